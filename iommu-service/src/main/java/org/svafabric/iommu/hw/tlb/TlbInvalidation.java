package org.svafabric.iommu.hw.tlb;

/**
 * One TLB invalidation, from a CMD_TLBI_* command or a broadcast TLBI (BTM): which translation
 * regime, what scope, and for VA forms the address or range. Range fields follow the
 * architecture's range invalidation (RIL): TG selects the granule (0 = no range, 1 = 4 KiB,
 * 2 = 16 KiB, 3 = 64 KiB); the range covers (NUM + 1) * 2^SCALE pages of that granule from VA.
 */
public record TlbInvalidation(Regime regime, Scope scope, int asid, long va, boolean leaf,
                              int tg, int num, int scale, int ttl) {

    /** NH: non-hypervisor EL1&0 (Linux's ARM_SMMU_CMDQ_TLBI_NH_*); EL2: the EL2-E2H regime; NSNH: all non-secure non-hyp. */
    public enum Regime { NH, EL2, NSNH }

    /** ALL: every entry of the regime; ASID: one ASID; VA: one VA (or range) of one ASID; VAA: one VA, all ASIDs. */
    public enum Scope { ALL, ASID, VA, VAA }

    public static TlbInvalidation all(Regime regime) {
        return new TlbInvalidation(regime, Scope.ALL, 0, 0, false, 0, 0, 0, 0);
    }

    public static TlbInvalidation asid(Regime regime, int asid) {
        return new TlbInvalidation(regime, Scope.ASID, asid, 0, false, 0, 0, 0, 0);
    }

    public static TlbInvalidation va(Regime regime, int asid, long va, boolean leaf) {
        return new TlbInvalidation(regime, Scope.VA, asid, va, leaf, 0, 0, 0, 0);
    }

    /** Number of 4 KiB pages covered, for a range form (tg != 0); 1 otherwise. */
    public long pages4k() {
        if (tg == 0) {
            return 1;
        }
        int granuleShift = switch (tg) {
            case 1 -> 12;
            case 2 -> 14;
            case 3 -> 16;
            default -> throw new IllegalStateException("TG " + tg);
        };
        return ((long) (num + 1) << scale) << (granuleShift - 12);
    }
}
