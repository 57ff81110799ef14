package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/**
 * SMMU_CR1 fields (IHI 0070 §6.3.11; Linux {@code CR1_*}): cacheability and shareability of the SMMU's table
 * walks and queue accesses. The model's memory is coherent, so it accepts and ignores them.
 */
public final class Cr1 {
    private Cr1() {
    }

    public static final Field QUEUE_IC = Field.bits("QUEUE_IC", 0, 1, 0);
    public static final Field QUEUE_OC = Field.bits("QUEUE_OC", 0, 3, 2);
    public static final Field QUEUE_SH = Field.bits("QUEUE_SH", 0, 5, 4);
    public static final Field TABLE_IC = Field.bits("TABLE_IC", 0, 7, 6);
    public static final Field TABLE_OC = Field.bits("TABLE_OC", 0, 9, 8);
    public static final Field TABLE_SH = Field.bits("TABLE_SH", 0, 11, 10);

    /** Write-back cacheable ({@code CR1_CACHE_WB}). */
    public static final int CACHE_WB = 0b01;
    /** Inner shareable ({@code ARM_SMMU_SH_ISH}). */
    public static final int SH_ISH = 0b11;
}
