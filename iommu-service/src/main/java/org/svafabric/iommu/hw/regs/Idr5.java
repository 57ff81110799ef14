package org.svafabric.iommu.hw.regs;

import org.svafabric.api.bits.Field;

/** SMMU_IDR5 fields (IHI 0070 §6.3.6; Linux {@code IDR5_*}). */
public final class Idr5 {
    private Idr5() {
    }

    /** OAS[2:0]: 0..6 = 32, 36, 40, 42, 44, 48, 52 bits. */
    public static final Field OAS = Field.bits("OAS", 0, 2, 0);
    public static final Field GRAN4K = Field.bit("GRAN4K", 0, 4);
    public static final Field GRAN16K = Field.bit("GRAN16K", 0, 5);
    public static final Field GRAN64K = Field.bit("GRAN64K", 0, 6);
    /** VAX[11:10]: 0 = 48-bit VAs. */
    public static final Field VAX = Field.bits("VAX", 0, 11, 10);
    public static final Field STALL_MAX = Field.bits("STALL_MAX", 0, 31, 16);
}
