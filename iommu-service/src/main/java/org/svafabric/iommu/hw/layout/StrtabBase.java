package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG fields (IHI 0070 §6.3.24-25; Linux {@code STRTAB_BASE_*}). */
public final class StrtabBase {
    private StrtabBase() {
    }

    public static final Field RA = Field.bit("RA", 0, 62);
    /** ADDR[55:6]: PA of the stream table (or of its level-1 table), in place. */
    public static final Field ADDR = Field.bits("ADDR", 0, 55, 6);

    /** STRTAB_BASE_CFG.LOG2SIZE[5:0]: log2 of the number of StreamIDs the table covers. */
    public static final Field LOG2SIZE = Field.bits("LOG2SIZE", 0, 5, 0);
    /** STRTAB_BASE_CFG.SPLIT[10:6]: StreamID bits indexing a level-2 table (6, 8 or 10). */
    public static final Field SPLIT = Field.bits("SPLIT", 0, 10, 6);
    /** STRTAB_BASE_CFG.FMT[17:16]: 0b00 linear, 0b01 2-level. */
    public static final Field FMT = Field.bits("FMT", 0, 17, 16);

    public static final int FMT_LINEAR = 0b00;
    public static final int FMT_2LVL = 0b01;
}
