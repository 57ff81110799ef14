package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_IDR0 fields (IHI 0070 §6.3.1; Linux {@code IDR0_*}). */
public final class Idr0 {
    private Idr0() {
    }

    public static final Field S2P = Field.bit("S2P", 0, 0);
    public static final Field S1P = Field.bit("S1P", 0, 1);
    /** TTF[3:2]: 0b10 = AArch64 (VMSAv8-64) tables only. */
    public static final Field TTF = Field.bits("TTF", 0, 3, 2);
    public static final Field COHACC = Field.bit("COHACC", 0, 4);
    public static final Field BTM = Field.bit("BTM", 0, 5);
    public static final Field HTTU = Field.bits("HTTU", 0, 7, 6);
    public static final Field HYP = Field.bit("Hyp", 0, 9);
    public static final Field ATS = Field.bit("ATS", 0, 10);
    public static final Field ASID16 = Field.bit("ASID16", 0, 12);
    public static final Field MSI = Field.bit("MSI", 0, 13);
    public static final Field SEV = Field.bit("SEV", 0, 14);
    public static final Field PRI = Field.bit("PRI", 0, 16);
    public static final Field CD2L = Field.bit("CD2L", 0, 19);
    /** TTENDIAN[22:21]: 0b10 = little-endian walks only (CD.ENDI = 1 is ILLEGAL). */
    public static final Field TTENDIAN = Field.bits("TTENDIAN", 0, 22, 21);
    public static final Field ATSRECERR = Field.bit("ATSRECERR", 0, 23);
    public static final Field STALL_MODEL = Field.bits("STALL_MODEL", 0, 25, 24);
    /** TERM_MODEL: 0 = CD.A chooses abort or RAZ/WI for a terminated transaction. */
    public static final Field TERM_MODEL = Field.bit("TERM_MODEL", 0, 26);
    /** ST_LEVEL[28:27]: 0b01 = 2-level stream tables supported as well as linear ones. */
    public static final Field ST_LEVEL = Field.bits("ST_LEVEL", 0, 28, 27);

    public static final int TTF_AARCH64 = 0b10;
    /** TTF 0b11: AArch32 (LPAE) and AArch64 tables. */
    public static final int TTF_AARCH32_64 = 0b11;
    public static final int ST_LEVEL_2LVL = 0b01;
    public static final int TTENDIAN_LITTLE = 0b10;
}
