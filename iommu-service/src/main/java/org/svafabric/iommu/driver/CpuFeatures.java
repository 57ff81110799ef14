package org.svafabric.iommu.driver;

/**
 * What the CPU side uses for process address spaces, which a shared CD must match: the page size, VA bits,
 * physical address bits (ID_AA64MMFR0_EL1.PARange) and ASID bits (8 or 16) of the arm64 kernel in mm-service.
 */
public record CpuFeatures(int pageShift, int vaBits, int paBits, int asidBits) {

    public CpuFeatures {
        if (asidBits != 8 && asidBits != 16) {
            throw new IllegalArgumentException("arm64 ASIDs are 8 or 16 bits, not " + asidBits);
        }
    }

    /** arm64 Linux with 4 KiB pages and 48-bit VAs on a 48-bit PA machine. */
    public static CpuFeatures arm64Default() {
        return new CpuFeatures(12, 48, 48, 16);
    }
}
