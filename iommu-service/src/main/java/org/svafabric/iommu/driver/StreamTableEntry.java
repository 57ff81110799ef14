package org.svafabric.iommu.driver;

import org.svafabric.api.bits.Field;

/**
 * The 64-byte STE as the driver writes it (Linux {@code STRTAB_STE_*}): stage-1 translation through the
 * master's CD table, or abort. Words 2..7 (stage 2) stay zero: this driver uses stage 1 only.
 */
public final class StreamTableEntry {
    private StreamTableEntry() {
    }

    public static final int BYTES = 64;
    public static final int DWORDS = 8;

    public static final Field V = Field.bit("V", 0, 0);
    public static final Field CONFIG = Field.bits("Config", 0, 3, 1);
    public static final int CONFIG_ABORT = 0;
    public static final int CONFIG_BYPASS = 4;
    public static final int CONFIG_S1_TRANS = 5;
    public static final Field S1FMT = Field.bits("S1Fmt", 0, 5, 4);
    public static final int S1FMT_LINEAR = 0;
    public static final int S1FMT_64K_L2 = 2;
    public static final Field S1_CONTEXT_PTR = Field.bits("S1ContextPtr", 0, 51, 6);
    public static final Field S1_CD_MAX = Field.bits("S1CDMax", 0, 63, 59);

    public static final Field S1DSS = Field.bits("S1DSS", 1, 1, 0);
    public static final int S1DSS_TERMINATE = 0;
    public static final int S1DSS_BYPASS = 1;
    public static final int S1DSS_SSID0 = 2;
    public static final Field S1CIR = Field.bits("S1CIR", 1, 3, 2);
    public static final Field S1COR = Field.bits("S1COR", 1, 5, 4);
    public static final Field S1CSH = Field.bits("S1CSH", 1, 7, 6);
    /** Write-back, read/write-allocate cacheability for CD fetches ({@code STRTAB_STE_1_S1C_CACHE_WBRA}). */
    public static final int S1C_CACHE_WBRA = 1;
    public static final int SH_INNER = 3;
    /** PRG Response PASID Required: the SMMU's overflow auto-responses carry the PASID (IHI 0070 STE[82]). */
    public static final Field PPAR = Field.bit("PPAR", 1, 18);
    public static final Field S1STALLD = Field.bit("S1STALLD", 1, 27);
    public static final Field EATS = Field.bits("EATS", 1, 29, 28);
    public static final int EATS_ABT = 0;
    public static final int EATS_TRANS = 1;
    public static final Field STRW = Field.bits("STRW", 1, 31, 30);
    public static final int STRW_NSEL1 = 0;
    public static final int STRW_EL2 = 2;
    public static final Field SHCFG = Field.bits("SHCFG", 1, 45, 44);
    public static final int SHCFG_INCOMING = 1;

    /** What a master's STE says. */
    public record Config(long cdTable, int s1Fmt, int s1CdMax, boolean stallDisabled, boolean ats, boolean el2,
                         boolean ppar) {
    }

    /** Stage 1 through the CD table; traffic without a PASID uses CD 0 (S1DSS = SSID0), as Linux sets it. */
    public static long[] stage1(Config c) {
        long[] w = new long[DWORDS];
        V.set(w, true);
        CONFIG.set(w, CONFIG_S1_TRANS);
        S1FMT.set(w, c.s1Fmt());
        S1_CONTEXT_PTR.setAddress(w, c.cdTable());
        S1_CD_MAX.set(w, c.s1CdMax());
        S1DSS.set(w, S1DSS_SSID0);
        S1CIR.set(w, S1C_CACHE_WBRA);
        S1COR.set(w, S1C_CACHE_WBRA);
        S1CSH.set(w, SH_INNER);
        PPAR.set(w, c.ppar());
        S1STALLD.set(w, c.stallDisabled());
        EATS.set(w, c.ats() ? EATS_TRANS : EATS_ABT);
        STRW.set(w, c.el2() ? STRW_EL2 : STRW_NSEL1);
        SHCFG.set(w, SHCFG_INCOMING);
        return w;
    }

    /** A valid STE that aborts every transaction (Linux's STE for a master with no domain, disable_bypass). */
    public static long[] abort() {
        long[] w = new long[DWORDS];
        V.set(w, true);
        CONFIG.set(w, CONFIG_ABORT);
        return w;
    }
}
