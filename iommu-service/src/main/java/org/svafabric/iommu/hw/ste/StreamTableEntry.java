package org.svafabric.iommu.hw.ste;

/**
 * One STE as data (the fields this stage-1-only SMMU interprets), with its encoding into and decoding from
 * the eight 64-bit words of the structure in RAM. Decoding never fails: whether the entry is usable is the
 * job of {@link SteCheck}.
 */
public record StreamTableEntry(boolean valid, int config, int s1Fmt, long s1ContextPtr, int s1CdMax,
                               int s1Dss, int s1Cir, int s1Cor, int s1Csh, boolean ppar, boolean s1Stalld,
                               int eats, int strw, int shcfg) {

    /** An STE with V = 0. */
    public static final StreamTableEntry INVALID = new StreamTableEntry(false, 0, 0, 0, 0, 0, 0, 0, 0, false, false, 0, 0, 0);

    public static StreamTableEntry abort() {
        return new StreamTableEntry(true, Ste.CONFIG_ABORT, 0, 0, 0, 0, 0, 0, 0, false, false, 0, 0, 0);
    }

    public static StreamTableEntry bypass() {
        return new StreamTableEntry(true, Ste.CONFIG_BYPASS, 0, 0, 0, 0, 0, 0, 0, false, false, 0, 0, Ste.SHCFG_INCOMING);
    }

    /**
     * A stage-1 STE as Linux writes it for a master ({@code arm_smmu_write_strtab_ent}): CD table at
     * {@code cdTable} with 2^{@code cdMax} entries in format {@code s1Fmt}, WBRA inner-shareable CD fetches,
     * incoming shareability, SSID0 for traffic without PASID.
     */
    public static StreamTableEntry stage1(long cdTable, int s1Fmt, int cdMax, int s1Dss, boolean s1Stalld, int eats, int strw) {
        return new StreamTableEntry(true, Ste.CONFIG_S1_TRANS, s1Fmt, cdTable, cdMax, s1Dss, 0b01, 0b01, 0b11,
                false, s1Stalld, eats, strw, Ste.SHCFG_INCOMING);
    }

    public StreamTableEntry withValid(boolean v) {
        return new StreamTableEntry(v, config, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, eats, strw, shcfg);
    }

    public StreamTableEntry withConfig(int c) {
        return new StreamTableEntry(valid, c, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, eats, strw, shcfg);
    }

    public StreamTableEntry withS1Stalld(boolean s) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s, eats, strw, shcfg);
    }

    public StreamTableEntry withEats(int e) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, e, strw, shcfg);
    }

    public StreamTableEntry withStrw(int s) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, eats, s, shcfg);
    }

    public StreamTableEntry withS1Dss(int d) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, s1CdMax, d, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, eats, strw, shcfg);
    }

    public StreamTableEntry withS1CdMax(int m) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, m, s1Dss, s1Cir, s1Cor, s1Csh, ppar, s1Stalld, eats, strw, shcfg);
    }

    public StreamTableEntry withPpar(boolean p) {
        return new StreamTableEntry(valid, config, s1Fmt, s1ContextPtr, s1CdMax, s1Dss, s1Cir, s1Cor, s1Csh, p, s1Stalld, eats, strw, shcfg);
    }

    public long[] encode() {
        long[] w = new long[Ste.WORDS];
        Ste.V.set(w, valid);
        Ste.CONFIG.set(w, config);
        Ste.S1FMT.set(w, s1Fmt);
        Ste.S1_CONTEXT_PTR.setAddress(w, s1ContextPtr);
        Ste.S1CDMAX.set(w, s1CdMax);
        Ste.S1DSS.set(w, s1Dss);
        Ste.S1CIR.set(w, s1Cir);
        Ste.S1COR.set(w, s1Cor);
        Ste.S1CSH.set(w, s1Csh);
        Ste.PPAR.set(w, ppar);
        Ste.S1STALLD.set(w, s1Stalld);
        Ste.EATS.set(w, eats);
        Ste.STRW.set(w, strw);
        Ste.SHCFG.set(w, shcfg);
        return w;
    }

    public static StreamTableEntry decode(long[] w) {
        return new StreamTableEntry(Ste.V.isSet(w), (int) Ste.CONFIG.get(w), (int) Ste.S1FMT.get(w),
                Ste.S1_CONTEXT_PTR.getAddress(w), (int) Ste.S1CDMAX.get(w), (int) Ste.S1DSS.get(w),
                (int) Ste.S1CIR.get(w), (int) Ste.S1COR.get(w), (int) Ste.S1CSH.get(w), Ste.PPAR.isSet(w),
                Ste.S1STALLD.isSet(w), (int) Ste.EATS.get(w), (int) Ste.STRW.get(w), (int) Ste.SHCFG.get(w));
    }

    /** Config 0b000 and the reserved 0b001-0b011, which behave as 0b000. */
    public boolean aborts() {
        return (config & 0b100) == 0;
    }

    public boolean bypasses() {
        return config == Ste.CONFIG_BYPASS;
    }
}
