package org.svafabric.iommu.driver;

import org.svafabric.iommu.hw.layout.Ste;

/**
 * The STEs the driver writes ({@code arm_smmu_write_strtab_ent}): stage-1 translation through the master's
 * CD table, or abort. Words 2..7 (stage 2) stay zero: this driver uses stage 1 only. The layout is
 * {@link Ste}'s; this class only decides the values.
 */
final class SteBuilder {
    private SteBuilder() {
    }

    /** Write-back, read/write-allocate cacheability for CD fetches ({@code STRTAB_STE_1_S1C_CACHE_WBRA}). */
    static final int S1C_CACHE_WBRA = 0b01;
    /** Inner shareable CD fetches ({@code ARM_SMMU_SH_ISH}). */
    static final int SH_ISH = 0b11;

    /** What a master's STE says. */
    record Config(long cdTable, int s1Fmt, int s1CdMax, boolean stallDisabled, boolean ats, boolean el2,
                  boolean ppar) {
    }

    /** Stage 1 through the CD table; traffic without a PASID uses CD 0 (S1DSS = SSID0), as Linux sets it. */
    static Ste stage1(Config c) {
        return Ste.INVALID
                .with(Ste.V, true)
                .with(Ste.CONFIG, Ste.CONFIG_S1_TRANS)
                .with(Ste.S1FMT, c.s1Fmt())
                .withAddress(Ste.S1_CONTEXT_PTR, c.cdTable())
                .with(Ste.S1CDMAX, c.s1CdMax())
                .with(Ste.S1DSS, Ste.S1DSS_SSID0)
                .with(Ste.S1CIR, S1C_CACHE_WBRA)
                .with(Ste.S1COR, S1C_CACHE_WBRA)
                .with(Ste.S1CSH, SH_ISH)
                .with(Ste.PPAR, c.ppar())
                .with(Ste.S1STALLD, c.stallDisabled())
                .with(Ste.EATS, c.ats() ? Ste.EATS_TRANS : Ste.EATS_ABT)
                .with(Ste.STRW, c.el2() ? Ste.STRW_EL2 : Ste.STRW_NSEL1);
        // SHCFG stays 0: it is RES0 without IDR1.ATTR_TYPES_OVR (IHI 0070 §5.2), which this SMMU does not have.
    }

    /** A valid STE that aborts every transaction (Linux's STE for a master with no domain, disable_bypass). */
    static Ste abort() {
        return Ste.INVALID.with(Ste.V, true).with(Ste.CONFIG, Ste.CONFIG_ABORT);
    }
}
