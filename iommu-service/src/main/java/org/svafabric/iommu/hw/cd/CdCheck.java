package org.svafabric.iommu.hw.cd;

import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Idr5;

/**
 * The ILLEGAL configurations of a CD for this SMMU (IHI 0070 §5.4, §5.5). A transaction through an ILLEGAL
 * CD aborts and records C_BAD_CD, like one through a CD with V = 0.
 */
public final class CdCheck {
    private CdCheck() {
    }

    /** 48 bits: the largest TTB0 a 4 KiB-granule CD may hold without CD.DS (IHI 0070 §5.4 CD.TTB0). */
    private static final int TTB0_MAX_BITS = 48;

    /**
     * Why {@code cd} is ILLEGAL when reached through an STE with S1STALLD = {@code s1Stalld}, or null when it
     * is legal. Callers test V first.
     */
    public static String illegal(Cd cd, boolean s1Stalld, SmmuConfig config) {
        if (!cd.isSet(Cd.AA64)) {
            return "AA64 = 0 selects VMSAv8-32 LPAE tables, which this SMMU does not support (IDR0.TTF)";
        }
        if (cd.isSet(Cd.ENDI) && !(cd.isSet(Cd.EPD0) && cd.isSet(Cd.EPD1))) {
            return "ENDI = 1 selects big-endian walks; IDR0.TTENDIAN is little-endian only";
        }
        if (!cd.isSet(Cd.EPD0)) {
            if (cd.get(Cd.TG0) != Cd.TG0_4K) {
                return "TG0 0b" + Long.toBinaryString(cd.get(Cd.TG0)) + " is not the supported 4 KiB granule (IDR5.GRAN4K only)";
            }
            if (cd.get(Cd.T0SZ) < Cd.T0SZ_MIN || cd.get(Cd.T0SZ) > Cd.T0SZ_MAX) {
                return "T0SZ " + (int) cd.get(Cd.T0SZ) + " is outside " + Cd.T0SZ_MIN + ".." + Cd.T0SZ_MAX;
            }
            int ipsBits = Math.min(Idr5.addressBits((int) cd.get(Cd.IPS)), config.oasBits());
            int limit = Math.min(ipsBits, TTB0_MAX_BITS);
            if ((cd.address(Cd.TTB0) >>> limit) != 0) {
                return "TTB0 0x" + Long.toHexString(cd.address(Cd.TTB0)) + " is beyond the effective IPS of " + limit + " bits";
            }
        }
        if (cd.isSet(Cd.HA) && !config.httu().accessFlag()) {
            return "HA = 1 while IDR0.HTTU == 0b00";
        }
        if (cd.isSet(Cd.HD) && !config.httu().dirtyState()) {
            return "HD = 1 while IDR0.HTTU does not include dirty state";
        }
        if (!config.asid16() && (cd.get(Cd.ASID) >>> 8) != 0) {
            return "ASID[15:8] non-zero while IDR0.ASID16 == 0";
        }
        StallModel m = config.stallModel();
        if (cd.isSet(Cd.S) && m == StallModel.STALL_AND_TERMINATE && s1Stalld) {
            return "S = 1 through an STE with S1STALLD = 1";
        }
        if (cd.isSet(Cd.S) && m == StallModel.TERMINATE_ONLY) {
            return "S = 1 while IDR0.STALL_MODEL == 0b01 (no stall)";
        }
        if (!cd.isSet(Cd.S) && m == StallModel.STALL_FORCED) {
            return "S = 0 while IDR0.STALL_MODEL == 0b10 (stall forced)";
        }
        return null;
    }
}
