package org.svafabric.iommu.driver;

import java.util.LinkedHashMap;
import java.util.Map;

import org.svafabric.iommu.hw.layout.Idr0;
import org.svafabric.iommu.hw.layout.Idr1;
import org.svafabric.iommu.hw.layout.Idr3;
import org.svafabric.iommu.hw.layout.Idr5;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Httu;

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

    public static SmmuFeatures probe(Mmio regs) {
        return decode(regs.read32(SmmuReg.IDR0.offset()), regs.read32(SmmuReg.IDR1.offset()), regs.read32(SmmuReg.IDR3.offset()), regs.read32(SmmuReg.IDR5.offset()));
    }

    public static SmmuFeatures decode(int idr0, int idr1, int idr3, int idr5) {
        long i0 = Integer.toUnsignedLong(idr0);
        long i1 = Integer.toUnsignedLong(idr1);
        long i3 = Integer.toUnsignedLong(idr3);
        long i5 = Integer.toUnsignedLong(idr5);
        long ttf = Idr0.TTF.get(i0);
        int stall = (int) Idr0.STALL_MODEL.get(i0);
        return new SmmuFeatures(idr0, idr1, idr3, idr5,
                Idr0.ST_LEVEL.get(i0) == Idr0.ST_LEVEL_2LVL, Idr0.CD2L.isSet(i0),
                stall == 0b11 ? StallModel.TERMINATE_ONLY : StallModel.ofCode(stall), Idr0.PRI.isSet(i0), Idr0.SEV.isSet(i0),
                Idr0.MSI.isSet(i0), Idr0.ASID16.isSet(i0), Idr0.ATS.isSet(i0), Idr0.HYP.isSet(i0),
                (int) Idr0.HTTU.get(i0), Idr0.BTM.isSet(i0), Idr0.COHACC.isSet(i0),
                ttf == Idr0.TTF_AARCH64 || ttf == Idr0.TTF_AARCH32_64, Idr0.S1P.isSet(i0),
                (int) Idr1.CMDQS.get(i1), (int) Idr1.EVTQS.get(i1), (int) Idr1.PRIQS.get(i1),
                (int) Idr1.SSIDSIZE.get(i1), (int) Idr1.SIDSIZE.get(i1), Idr3.RIL.isSet(i3),
                (int) Idr5.STALL_MAX.get(i5), Idr5.GRAN4K.isSet(i5), Idr5.addressBits((int) Idr5.OAS.get(i5)));
    }

    /** ASID bits of CDs: 16 with IDR0.ASID16, else 8. */
    public int asidBits() {
        return asid16 ? 16 : 8;
    }

    /** The SMMU can stall faulting transactions (Linux ARM_SMMU_FEAT_STALLS). */
    public boolean stalls() {
        return stallModel.canStall();
    }

    public boolean hasHa() {
        return httu >= Httu.HA.code();
    }

    public boolean hasHd() {
        return httu >= Httu.HA_HD.code();
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
