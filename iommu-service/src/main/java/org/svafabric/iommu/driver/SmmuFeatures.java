package org.svafabric.iommu.driver;

import static org.svafabric.iommu.driver.SmmuRegs.*;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the ID registers say the SMMU can do, decoded once at probe ({@code arm_smmu_device_hw_probe}).
 *
 * @param twoLevelStrtab IDR0.ST_LVL = 2-level: the stream table may be split (Linux uses it whenever offered)
 * @param cd2l           2-level CD tables are supported
 * @param stallModel     IDR0.STALL_MODEL
 * @param httu           IDR0.HTTU: 0 none, 1 Access flag, 2 Access and Dirty
 * @param coherent       IDR0.COHACC: table walks and queue accesses are coherent with the CPU's caches
 * @param aarch64        IDR0.TTF includes AArch64 tables
 * @param stallMax       IDR5.STALL_MAX: stalled transactions the SMMU can hold
 */
public record SmmuFeatures(int idr0, int idr1, int idr3, int idr5, boolean twoLevelStrtab, boolean cd2l, StallModel stallModel,
                           boolean pri, boolean sev, boolean msi, boolean asid16, boolean ats, boolean hyp, int httu,
                           boolean btm, boolean coherent, boolean aarch64, boolean s1p, int cmdqs, int evtqs, int priqs,
                           int ssidBits, int sidBits, boolean ril, int stallMax, boolean gran4k, int oasBits) {

    /** IDR0.STALL_MODEL. */
    public enum StallModel {
        /** 0b00: stall and terminate; STE.S1STALLD and CD.S choose per stream and context. */
        STALL,
        /** 0b01: terminate only. */
        TERMINATE,
        /** 0b10: stall forced: every stage-1 fault stalls, so CD.S must be 1 (ILLEGAL otherwise). */
        FORCED,
        RESERVED
    }

    public static SmmuFeatures probe(Mmio regs) {
        return decode(regs.read32(IDR0), regs.read32(IDR1), regs.read32(IDR3), regs.read32(IDR5));
    }

    public static SmmuFeatures decode(int idr0, int idr1, int idr3, int idr5) {
        long i0 = Integer.toUnsignedLong(idr0);
        long i1 = Integer.toUnsignedLong(idr1);
        long i3 = Integer.toUnsignedLong(idr3);
        long i5 = Integer.toUnsignedLong(idr5);
        long ttf = IDR0_TTF.get(i0);
        return new SmmuFeatures(idr0, idr1, idr3, idr5,
                IDR0_ST_LVL.get(i0) == IDR0_ST_LVL_2LVL, IDR0_CD2L.isSet(i0),
                StallModel.values()[(int) IDR0_STALL_MODEL.get(i0)], IDR0_PRI.isSet(i0), IDR0_SEV.isSet(i0),
                IDR0_MSI.isSet(i0), IDR0_ASID16.isSet(i0), IDR0_ATS.isSet(i0), IDR0_HYP.isSet(i0),
                (int) IDR0_HTTU.get(i0), IDR0_BTM.isSet(i0), IDR0_COHACC.isSet(i0),
                ttf == IDR0_TTF_AARCH64 || ttf == IDR0_TTF_AARCH32_64, IDR0_S1P.isSet(i0),
                (int) IDR1_CMDQS.get(i1), (int) IDR1_EVTQS.get(i1), (int) IDR1_PRIQS.get(i1),
                (int) IDR1_SSIDSIZE.get(i1), (int) IDR1_SIDSIZE.get(i1), IDR3_RIL.isSet(i3),
                (int) IDR5_STALL_MAX.get(i5), IDR5_GRAN4K.isSet(i5), SmmuRegs.oasBits((int) IDR5_OAS.get(i5)));
    }

    /** ASID bits of CDs: 16 with IDR0.ASID16, else 8. */
    public int asidBits() {
        return asid16 ? 16 : 8;
    }

    /** The SMMU can stall faulting transactions (Linux ARM_SMMU_FEAT_STALLS). */
    public boolean stalls() {
        return stallModel == StallModel.STALL || stallModel == StallModel.FORCED;
    }

    public boolean hasHa() {
        return httu >= IDR0_HTTU_ACCESS;
    }

    public boolean hasHd() {
        return httu >= IDR0_HTTU_ACCESS_DIRTY;
    }

    /** The decoded ID registers as GET /iommu/v1/smmu shows them. */
    public Map<String, String> registers() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("IDR0", hex(idr0));
        m.put("IDR1", hex(idr1));
        m.put("IDR3", hex(idr3));
        m.put("IDR5", hex(idr5));
        return m;
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
