package org.svafabric.iommu.driver;

/**
 * The SMMU's register frame as the driver reaches it ({@code readl_relaxed}/{@code writel}/{@code writeq} on
 * {@code smmu->base}): 32- and 64-bit accesses at byte offsets of page 0, and of page 1 at +0x10000.
 */
public interface Mmio {

    int read32(int offset);

    void write32(int offset, int value);

    long read64(int offset);

    void write64(int offset, long value);
}
