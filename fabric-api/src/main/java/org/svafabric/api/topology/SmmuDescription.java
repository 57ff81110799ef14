package org.svafabric.api.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * What firmware (IORT / device tree) and the ID registers say about the SMMU: the model fills
 * IDR0/IDR1/IDR3/IDR5 from this, so a topology can describe an SMMU with or without PRI, stall,
 * BTM or HTTU.
 *
 * @param stallModel IDR0.STALL_MODEL: {@code stall} (0b00, stall and terminate), {@code terminate}
 *                   (0b01, no stall), {@code forced} (0b10, stall forced)
 * @param httu       IDR0.HTTU: {@code none}, {@code HA} (Access flag), {@code HA_HD} (Access and Dirty)
 * @param e2h        the kernel runs at EL2 with VHE (CR2.E2H, STE.STRW = EL2-E2H, EL2 TLBI forms)
 */
public record SmmuDescription(String name, Integer sidBits, Integer ssidBits, Boolean ats, Boolean pri,
                              String stallModel, Boolean btm, String httu, Boolean ril, Integer oasBits,
                              Boolean coherent, Boolean asid16, Boolean msi, Boolean sev, Boolean e2h,
                              Integer cmdqLog2, Integer evtqLog2, Integer priqLog2,
                              Integer tlbEntries, Integer tlbWays) {

    public SmmuDescription {
        name = name == null ? "smmu0" : name;
        sidBits = sidBits == null ? 16 : sidBits;
        ssidBits = ssidBits == null ? 20 : ssidBits;
        ats = ats == null || ats;
        pri = pri == null || pri;
        stallModel = stallModel == null ? "stall" : stallModel;
        btm = btm != null && btm;
        httu = httu == null ? "HA_HD" : httu;
        ril = ril == null || ril;
        oasBits = oasBits == null ? 48 : oasBits;
        coherent = coherent == null || coherent;
        asid16 = asid16 == null || asid16;
        msi = msi == null || msi;
        sev = sev == null || sev;
        e2h = e2h != null && e2h;
        cmdqLog2 = cmdqLog2 == null ? 8 : cmdqLog2;
        evtqLog2 = evtqLog2 == null ? 7 : evtqLog2;
        priqLog2 = priqLog2 == null ? 7 : priqLog2;
        tlbEntries = tlbEntries == null ? 2048 : tlbEntries;
        tlbWays = tlbWays == null ? 4 : tlbWays;
    }

    public static SmmuDescription defaults() {
        return new SmmuDescription(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** The reasons this description is not a valid SMMU, empty when it is. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (sidBits < 0 || sidBits > 32) {
            p.add("smmu.sidBits must be 0..32 (IDR1.SIDSIZE)");
        }
        if (ssidBits < 0 || ssidBits > 20) {
            p.add("smmu.ssidBits must be 0..20 (IDR1.SSIDSIZE)");
        }
        if (!List.of("stall", "terminate", "forced").contains(stallModel)) {
            p.add("smmu.stallModel must be stall, terminate or forced (IDR0.STALL_MODEL)");
        }
        if (!List.of("none", "HA", "HA_HD").contains(httu)) {
            p.add("smmu.httu must be none, HA or HA_HD (IDR0.HTTU)");
        }
        if (!List.of(32, 36, 40, 42, 44, 48, 52).contains(oasBits)) {
            p.add("smmu.oasBits must be one of 32, 36, 40, 42, 44, 48, 52 (IDR5.OAS)");
        }
        for (int q : List.of(cmdqLog2, evtqLog2, priqLog2)) {
            if (q < 1 || q > 19) {
                p.add("smmu queue sizes (log2) must be 1..19");
                break;
            }
        }
        if (tlbEntries < 1 || tlbWays < 1 || tlbEntries % tlbWays != 0) {
            p.add("smmu.tlbEntries must be a positive multiple of smmu.tlbWays");
        }
        return p;
    }

    public boolean canStall() {
        return !"terminate".equals(stallModel);
    }
}
