package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;
import org.svafabric.api.bits.Structure;

/**
 * The Stream Table Entry (IHI 0070 §5.2; Linux {@code STRTAB_STE_0_*}, {@code STRTAB_STE_1_*}): its fields,
 * declared once as 64-bit-word {@link Field}s, and an STE as the value of its eight words. The specification
 * numbers STE bits across the whole structure: bit [64 * w + b] is bit b of word w, so S1DSS [65:64] is
 * word 1, bits [1:0]. Decoding never fails: whether an entry is usable is {@code SteCheck}'s job; the
 * driver builds its entries in {@code driver.SteBuilder}.
 */
public final class Ste extends Structure<Ste> {

    /** Bytes per STE. */
    public static final int SIZE = 64;
    public static final int WORDS = SIZE / 8;

    public static final Field V = Field.bit("V", 0, 0);
    public static final Field CONFIG = Field.bits("Config", 0, 3, 1);
    public static final Field S1FMT = Field.bits("S1Fmt", 0, 5, 4);
    /** S1ContextPtr [55:6]: PA of the CD or CD table, in place. */
    public static final Field S1_CONTEXT_PTR = Field.bits("S1ContextPtr", 0, 55, 6);
    public static final Field S1CDMAX = Field.bits("S1CDMax", 0, 63, 59);

    public static final Field S1DSS = Field.bits("S1DSS", 1, 1, 0);
    public static final Field S1CIR = Field.bits("S1CIR", 1, 3, 2);
    public static final Field S1COR = Field.bits("S1COR", 1, 5, 4);
    public static final Field S1CSH = Field.bits("S1CSH", 1, 7, 6);
    /** PPAR [82]: automatic PRG responses on PRI queue overflow carry a PASID. */
    public static final Field PPAR = Field.bit("PPAR", 1, 18);
    public static final Field S1STALLD = Field.bit("S1STALLD", 1, 27);
    public static final Field EATS = Field.bits("EATS", 1, 29, 28);
    public static final Field STRW = Field.bits("STRW", 1, 31, 30);
    public static final Field SHCFG = Field.bits("SHCFG", 1, 45, 44);

    /** Config: 0b000 abort (0b001-0b011 behave the same), 0b100 bypass, 0b101 stage 1, 0b110 stage 2, 0b111 nested. */
    public static final int CONFIG_ABORT = 0b000;
    public static final int CONFIG_BYPASS = 0b100;
    public static final int CONFIG_S1_TRANS = 0b101;
    public static final int CONFIG_S2_TRANS = 0b110;
    public static final int CONFIG_NESTED = 0b111;

    /** S1Fmt: linear CD table; 2-level with 4 KiB leaves (64 CDs); 2-level with 64 KiB leaves (1024 CDs). */
    public static final int S1FMT_LINEAR = 0b00;
    public static final int S1FMT_4K_L2 = 0b01;
    public static final int S1FMT_64K_L2 = 0b10;

    /** S1DSS: what a transaction without SubstreamID does when substreams are enabled. */
    public static final int S1DSS_TERMINATE = 0b00;
    public static final int S1DSS_BYPASS = 0b01;
    public static final int S1DSS_SSID0 = 0b10;

    /** EATS: ATS disabled, full ATS, split-stage ATS, full ATS with DPT checks. */
    public static final int EATS_ABT = 0b00;
    public static final int EATS_TRANS = 0b01;
    public static final int EATS_S1CHK = 0b10;
    public static final int EATS_DPT = 0b11;

    /** STRW: NS-EL1 (EL1&0 regime) or EL2 (EL2-E2H with SMMU_CR2.E2H); 0bx1 is ILLEGAL. */
    public static final int STRW_NSEL1 = 0b00;
    public static final int STRW_EL2 = 0b10;

    /** SHCFG 0b01: use the incoming shareability, what Linux programs. */
    public static final int SHCFG_INCOMING = 0b01;

    /** An STE with every word zero (V = 0). */
    public static final Ste INVALID = new Ste(new long[WORDS]);

    private Ste(long[] words) {
        super(words, WORDS);
    }

    public static Ste decode(long[] words) {
        return new Ste(words);
    }

    @Override
    protected Ste wrap(long[] words) {
        return new Ste(words);
    }

    public boolean valid() {
        return isSet(V);
    }

    /** Config 0b000 and the reserved 0b001-0b011, which behave as 0b000. */
    public boolean aborts() {
        return (get(CONFIG) & 0b100) == 0;
    }

    public boolean bypasses() {
        return get(CONFIG) == CONFIG_BYPASS;
    }
}
