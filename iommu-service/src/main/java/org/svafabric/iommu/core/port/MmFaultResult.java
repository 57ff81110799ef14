package org.svafabric.iommu.core.port;

/**
 * The outcome of handle_mm_fault for one {@link MmFault}: {@code ok}, or the reason it was refused (no VMA,
 * permission, the process is exiting, ...).
 */
public record MmFaultResult(long addr, boolean ok, String reason) {

    public static MmFaultResult success(long addr) {
        return new MmFaultResult(addr, true, null);
    }

    public static MmFaultResult failure(long addr, String reason) {
        return new MmFaultResult(addr, false, reason);
    }
}
