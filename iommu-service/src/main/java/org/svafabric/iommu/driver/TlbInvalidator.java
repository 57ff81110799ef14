package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.iommu.hw.cmd.CmdAtcInv;
import org.svafabric.iommu.hw.cmd.CmdTlbi;
import org.svafabric.iommu.hw.cmd.Opcode;

/**
 * Turns "invalidate [start, end) of ASID a" into commands, as Linux's {@code __arm_smmu_tlb_inv_range} and
 * {@code arm_smmu_atc_inv_to_cmd} do.
 *
 * <ul>
 * <li>Without IDR3.RIL, above {@code maxPages} one TLBI by ASID is cheaper than a command per page
 * ({@code CMDQ_MAX_TLBI_OPS} in the SVA notifier, which applies it only without range invalidation).</li>
 * <li>With IDR3.RIL, range commands: each covers (NUM + 1) × 2^SCALE pages, SCALE taken from the lowest set
 * bit of the remaining page count and NUM from the next five bits, so a range needs at most a few commands.
 * TTL = 3 (level-3 leaves) only for leaf invalidations: a non-leaf one may remove tables too. TG != 0 with
 * NUM = 0, SCALE = 0 and TTL = 0 is Reserved (IHI 0070 §4.4.1.1, CERROR_ILL), so a non-leaf range whose page
 * count is 1 mod 32 is widened by one page, as {@code __arm_smmu_tlb_inv_range} does ({@code num_pages++}).</li>
 * <li>Without RIL, one CMD_TLBI_NH_VA per 4 KiB page.</li>
 * <li>With VHE (CR2.E2H) the same in the EL2 forms, which the SMMU applies to STRW = EL2 streams.</li>
 * </ul>
 */
final class TlbInvalidator {
    static final int PAGE_SHIFT = 12;
    /** 4 KiB translation granule in the TG field. */
    static final int TG_4K = 1;
    static final int TTL_LEVEL3 = 3;
    /** NUM is five bits: at most 32 granules per scale step. */
    static final int RANGE_NUM_MAX = 31;

    private final boolean ril;
    private final boolean el2;
    private final long maxPages;

    TlbInvalidator(boolean ril, boolean el2, long maxPages) {
        this.ril = ril;
        this.el2 = el2;
        this.maxPages = maxPages;
    }

    CmdTlbi asid(int asid) {
        return new CmdTlbi(el2 ? Opcode.CMD_TLBI_EL2_ASID : Opcode.CMD_TLBI_NH_ASID, 0, asid, 0, false, 0, 0, 0, 0);
    }

    CmdTlbi all() {
        return el2 ? new CmdTlbi(Opcode.CMD_TLBI_EL2_ALL, 0, 0, 0, false, 0, 0, 0, 0) : CmdTlbi.nsnhAll();
    }

    /** The TLBIs for [start, end) of {@code asid}; page-aligned outward. */
    List<CmdTlbi> range(int asid, long start, long end, boolean leaf) {
        long first = start >>> PAGE_SHIFT;
        long pages = ((end + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT) - first;
        List<CmdTlbi> out = new ArrayList<>();
        if (pages <= 0) {
            return out;
        }
        if (!ril && pages > maxPages) {
            out.add(asid(asid));
            return out;
        }
        Opcode op = el2 ? Opcode.CMD_TLBI_EL2_VA : Opcode.CMD_TLBI_NH_VA;
        long va = first << PAGE_SHIFT;
        if (!ril) {
            for (long p = 0; p < pages; p++) {
                out.add(new CmdTlbi(op, 0, asid, va + (p << PAGE_SHIFT), leaf, 0, 0, 0, 0));
            }
            return out;
        }
        int ttl = leaf ? TTL_LEVEL3 : 0;
        long remaining = pages;
        if (!leaf && (remaining & RANGE_NUM_MAX) == 1) {
            remaining++; // the first command would otherwise be NUM = 0, SCALE = 0 with TTL = 0: Reserved
        }
        while (remaining > 0) {
            int scale = Long.numberOfTrailingZeros(remaining);
            // Never 0: bit 0 of (remaining >>> scale) is set by the choice of scale.
            long num = (remaining >>> scale) & RANGE_NUM_MAX;
            out.add(new CmdTlbi(op, 0, asid, va, leaf, ttl, TG_4K, (int) num - 1, scale));
            long covered = num << scale;
            va += covered << PAGE_SHIFT;
            remaining -= covered;
        }
        return out;
    }

    /**
     * The CMD_ATC_INV covering [start, end) for the endpoint at {@code sid} (and PASID {@code ssid} when
     * {@code ssv}): the smallest naturally aligned power-of-two span of pages that contains the range, as an
     * ATS invalidation must be; {@code start == end == 0} invalidates everything (Size = 52).
     */
    static CmdAtcInv atcInv(int sid, boolean ssv, int ssid, long start, long end) {
        if (start == 0 && end == 0) {
            return new CmdAtcInv(sid, ssv, ssid, false, 0, CmdAtcInv.SIZE_ALL);
        }
        long pageStart = start >>> PAGE_SHIFT;
        long pageEnd = (end - 1) >>> PAGE_SHIFT;
        int log2Span = 64 - Long.numberOfLeadingZeros(pageStart ^ pageEnd);
        if (log2Span >= CmdAtcInv.SIZE_ALL) {
            return new CmdAtcInv(sid, ssv, ssid, false, 0, CmdAtcInv.SIZE_ALL);
        }
        long spanMask = (1L << log2Span) - 1;
        return new CmdAtcInv(sid, ssv, ssid, false, (pageStart & ~spanMask) << PAGE_SHIFT, log2Span);
    }
}
