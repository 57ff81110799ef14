package org.svafabric.iommu.hw.ste;

import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Ste;

/**
 * The ILLEGAL configurations of an STE for this SMMU (IHI 0070 §5.2, §5.5). "Use of an ILLEGAL STE behaves
 * as described for STE.V == 0": the transaction aborts and C_BAD_STE is recorded. Only fields that are not
 * IGNORED by the entry's Config are checked.
 */
public final class SteCheck {
    private SteCheck() {
    }

    /**
     * Why {@code ste} is ILLEGAL for an SMMU built as {@code config} with SMMU_CR2.E2H = {@code e2h}, or null
     * when it is legal. STRW = EL2 is legal either way: with E2H it is EL2-E2H, without it NS-EL2 (§5.2). An entry with V = 0 is not ILLEGAL, just invalid; callers test V first.
     */
    public static String illegal(Ste ste, SmmuConfig config, boolean e2h) {
        if (ste.aborts() || ste.bypasses()) {
            return null; // stage 1 and stage 2 fields are IGNORED
        }
        if (ste.get(Ste.CONFIG) != Ste.CONFIG_S1_TRANS) {
            return "Config 0b" + Long.toBinaryString(ste.get(Ste.CONFIG)) + " enables stage 2, which this SMMU does not implement (IDR0.S2P == 0)";
        }
        if (ste.isSet(Ste.S1STALLD) && config.stallModel() != StallModel.STALL_AND_TERMINATE) {
            return "S1STALLD = 1 while IDR0.STALL_MODEL is not 0b00";
        }
        if (config.ssidBits() > 0 && ste.get(Ste.S1CDMAX) > config.ssidBits()) {
            return "S1CDMax " + (int) ste.get(Ste.S1CDMAX) + " exceeds IDR1.SSIDSIZE " + config.ssidBits();
        }
        if (config.ssidBits() > 0 && ste.get(Ste.S1CDMAX) > 0 && !config.twoLevelCdTable()
                && (ste.get(Ste.S1FMT) == Ste.S1FMT_4K_L2 || ste.get(Ste.S1FMT) == Ste.S1FMT_64K_L2)) {
            return "S1Fmt selects a 2-level CD table while IDR0.CD2L == 0";
        }
        if ((ste.get(Ste.STRW) & 1) != 0 && config.hyp()) {
            return "STRW 0b" + Long.toBinaryString(ste.get(Ste.STRW)) + " is reserved";
        }
        if (config.ats() && ste.get(Ste.EATS) == Ste.EATS_S1CHK) {
            return "EATS = 0b10 (split-stage ATS) requires Config 0b111";
        }
        return null;
    }

    /** The effective EATS: IGNORED without IDR0.ATS; 0b11 behaves as 0b00 without IDR3.DPT (DPT is not modelled). */
    public static int effectiveEats(Ste ste, SmmuConfig config) {
        if (!config.ats() || !ste.valid() || ste.get(Ste.CONFIG) != Ste.CONFIG_S1_TRANS) {
            return Ste.EATS_ABT;
        }
        return ste.get(Ste.EATS) == Ste.EATS_DPT ? Ste.EATS_ABT : (int) ste.get(Ste.EATS);
    }

    /** Whether STE.STRW selects the EL2-E2H regime (STRW is RES0 unless IDR0.Hyp). */
    public static boolean el2(Ste ste, SmmuConfig config) {
        return config.hyp() && ste.get(Ste.STRW) == Ste.STRW_EL2;
    }
}
