package org.svafabric.iommu.hw.cd;

import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.regs.StallModel;

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
    public static String illegal(ContextDescriptor cd, boolean s1Stalld, SmmuConfig config) {
        if (!cd.aa64()) {
            return "AA64 = 0 selects VMSAv8-32 LPAE tables, which this SMMU does not support (IDR0.TTF)";
        }
        if (cd.endi() && !(cd.epd0() && cd.epd1())) {
            return "ENDI = 1 selects big-endian walks; IDR0.TTENDIAN is little-endian only";
        }
        if (!cd.epd0()) {
            if (cd.tg0() != Cd.TG0_4K) {
                return "TG0 0b" + Integer.toBinaryString(cd.tg0()) + " is not the supported 4 KiB granule (IDR5.GRAN4K only)";
            }
            if (cd.t0sz() < Cd.T0SZ_MIN || cd.t0sz() > Cd.T0SZ_MAX) {
                return "T0SZ " + cd.t0sz() + " is outside " + Cd.T0SZ_MIN + ".." + Cd.T0SZ_MAX;
            }
            int ipsBits = Math.min(SmmuConfig.addressBits(cd.ips()), config.oasBits());
            int limit = Math.min(ipsBits, TTB0_MAX_BITS);
            if ((cd.ttb0() >>> limit) != 0) {
                return "TTB0 0x" + Long.toHexString(cd.ttb0()) + " is beyond the effective IPS of " + limit + " bits";
            }
        }
        if (cd.ha() && !config.httu().accessFlag()) {
            return "HA = 1 while IDR0.HTTU == 0b00";
        }
        if (cd.hd() && !config.httu().dirtyState()) {
            return "HD = 1 while IDR0.HTTU does not include dirty state";
        }
        if (!config.asid16() && (cd.asid() >>> 8) != 0) {
            return "ASID[15:8] non-zero while IDR0.ASID16 == 0";
        }
        StallModel m = config.stallModel();
        if (cd.s() && m == StallModel.STALL_AND_TERMINATE && s1Stalld) {
            return "S = 1 through an STE with S1STALLD = 1";
        }
        if (cd.s() && m == StallModel.TERMINATE_ONLY) {
            return "S = 1 while IDR0.STALL_MODEL == 0b01 (no stall)";
        }
        if (!cd.s() && m == StallModel.STALL_FORCED) {
            return "S = 0 while IDR0.STALL_MODEL == 0b10 (stall forced)";
        }
        return null;
    }
}
