package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;
import org.svafabric.api.bits.Structure;

/**
 * The Context Descriptor (IHI 0070 §5.4; Linux {@code CTXDESC_CD_0_*}, {@code CTXDESC_CD_1_TTB0_MASK},
 * {@code CTXDESC_CD_3_MAIR}): its fields, declared once, and a CD as the value of its eight words. TTB0
 * [115:68] of the specification is word 1, bits [51:4]; MAIR [255:192] is all of word 3. Decoding never
 * fails; {@code CdCheck} decides whether a CD is usable; the driver builds its CDs in {@code driver.CdBuilder}.
 */
public final class Cd extends Structure<Cd> {

    public static final int SIZE = 64;
    public static final int WORDS = SIZE / 8;

    public static final Field T0SZ = Field.bits("T0SZ", 0, 5, 0);
    public static final Field TG0 = Field.bits("TG0", 0, 7, 6);
    public static final Field IR0 = Field.bits("IR0", 0, 9, 8);
    public static final Field OR0 = Field.bits("OR0", 0, 11, 10);
    public static final Field SH0 = Field.bits("SH0", 0, 13, 12);
    public static final Field EPD0 = Field.bit("EPD0", 0, 14);
    public static final Field ENDI = Field.bit("ENDI", 0, 15);
    public static final Field EPD1 = Field.bit("EPD1", 0, 30);
    public static final Field V = Field.bit("V", 0, 31);
    public static final Field IPS = Field.bits("IPS", 0, 34, 32);
    public static final Field AFFD = Field.bit("AFFD", 0, 35);
    /** Write Execute Never: an instruction read of a writable page is a Permission fault (§5.4). */
    public static final Field WXN = Field.bit("WXN", 0, 36);
    /** Unprivileged WXN: IGNORED for VMSAv8-64, where EL0-writable memory is always PXN (§5.4). */
    public static final Field UWXN = Field.bit("UWXN", 0, 37);
    public static final Field TBI0 = Field.bit("TBI0", 0, 38);
    /** Top Byte Ignore for TTB1; RES0 in the any-EL2 StreamWorlds (§5.4). */
    public static final Field TBI1 = Field.bit("TBI1", 0, 39);
    /** Privileged Access Never: privileged data accesses to EL0-accessible pages fault (§5.4). */
    public static final Field PAN = Field.bit("PAN", 0, 40);
    public static final Field AA64 = Field.bit("AA64", 0, 41);
    public static final Field HD = Field.bit("HD", 0, 42);
    public static final Field HA = Field.bit("HA", 0, 43);
    public static final Field S = Field.bit("S", 0, 44);
    public static final Field R = Field.bit("R", 0, 45);
    public static final Field A = Field.bit("A", 0, 46);
    public static final Field ASET = Field.bit("ASET", 0, 47);
    public static final Field ASID = Field.bits("ASID", 0, 63, 48);

    /** TTB0 [51:4] of word 1: PA of the first-level translation table, in place. */
    public static final Field TTB0 = Field.bits("TTB0", 1, 51, 4);
    public static final Field MAIR = Field.bits("MAIR", 3, 63, 0);

    /** TG0 encodings (TCR_ELx.TG0): 4 KiB, 64 KiB, 16 KiB. */
    public static final int TG0_4K = 0b00;
    public static final int TG0_64K = 0b01;
    public static final int TG0_16K = 0b10;

    /** IR0/OR0: Write-Back cacheable, read- and write-allocate. SH0: inner shareable. */
    public static final int RGN_WBWA = 0b01;
    public static final int SH_IS = 0b11;

    /** T0SZ bounds for VMSAv8-64, 4 KiB granule, without IDR3.STT and 52-bit VAs (IHI 0070 §5.4 CD.T0SZ). */
    public static final int T0SZ_MIN = 16;
    public static final int T0SZ_MAX = 39;

    /** A CD with every word zero (V = 0). */
    public static final Cd INVALID = new Cd(new long[WORDS]);

    private Cd(long[] words) {
        super(words, WORDS);
    }

    public static Cd decode(long[] words) {
        return new Cd(words);
    }

    @Override
    protected Cd wrap(long[] words) {
        return new Cd(words);
    }

    public boolean valid() {
        return isSet(V);
    }
}
