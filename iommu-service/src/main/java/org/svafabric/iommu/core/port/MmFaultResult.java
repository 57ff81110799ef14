package org.svafabric.iommu.core.port;

/**
 * The outcome of handle_mm_fault for one {@link MmFault}: {@code ok}, or the reason it was refused (no VMA,
 * permission, the process is exiting, ...). {@code kind} says what servicing it took, for the timing model:
 * {@code minor} (present already), {@code major} (a fresh zeroed frame) or {@code swap-in}; null when refused
 * or unknown.
 */
public record MmFaultResult(long addr, boolean ok, String reason, String kind) {

    public static final String MINOR = "minor";
    public static final String MAJOR = "major";
    public static final String SWAP_IN = "swap-in";

    public static MmFaultResult success(long addr) {
        return new MmFaultResult(addr, true, null, null);
    }

    public static MmFaultResult success(long addr, String kind) {
        return new MmFaultResult(addr, true, null, kind);
    }

    public static MmFaultResult failure(long addr, String reason) {
        return new MmFaultResult(addr, false, reason, null);
    }
}
