package org.svafabric.iommu.hw.tlb;

import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;

/**
 * Which cached translations and walk-cache entries a {@link TlbInvalidation} removes (IHI 0070 §4.4):
 * <ul>
 * <li>the regime: NH forms and NSNH_ALL affect NS-EL1 entries, EL2 forms the EL2-E2H entries;</li>
 * <li>by ASID: the non-global entries of that ASID; by VA: entries of that ASID and global entries whose
 *     page or block overlaps the address or range; VAA: any ASID; ALL: everything in the regime;</li>
 * <li>a leaf-only VA form need not touch cached table descriptors; the others do;</li>
 * <li>a broadcast (BTM) TLBI by ASID or address skips entries made through a CD with ASET = 1, whose ASID is
 *     not shared with the CPU (IHI 0070 §5.4 CD.ASET); broadcast ALL forms still apply to them.</li>
 * </ul>
 */
public final class InvalidationScope {
    private final TlbInvalidation inv;
    private final boolean broadcast;
    private final long start;
    private final long end;

    private InvalidationScope(TlbInvalidation inv, boolean broadcast, long start, long end) {
        this.inv = inv;
        this.broadcast = broadcast;
        this.start = start;
        this.end = end;
    }

    public static InvalidationScope of(TlbInvalidation inv, boolean broadcast) {
        long start = 0;
        long end = 0;
        if (inv.scope() == Scope.VA || inv.scope() == Scope.VAA) {
            int granuleShift = inv.tg() == 0 ? Vmsa.PAGE_SHIFT : 10 + 2 * inv.tg();
            start = inv.va() & -(1L << granuleShift);
            end = start + inv.pages4k() * Vmsa.PAGE_SIZE;
        }
        return new InvalidationScope(inv, broadcast, start, end);
    }

    private boolean regime(boolean el2) {
        return inv.regime() == Regime.EL2 ? el2 : !el2;
    }

    private boolean overlaps(long rangeStart, long rangeEnd) {
        return rangeStart < end && start < rangeEnd;
    }

    /** Whether a cached translation of [{@code rangeStart}, {@code rangeEnd}) is removed. */
    public boolean matchesTranslation(boolean el2, int asid, boolean global, boolean aset, long rangeStart, long rangeEnd) {
        if (!regime(el2)) {
            return false;
        }
        switch (inv.scope()) {
            case ALL:
                return true;
            case ASID:
                return !global && asid == inv.asid() && !(broadcast && aset);
            case VA:
                return (global || asid == inv.asid()) && overlaps(rangeStart, rangeEnd) && !(broadcast && aset);
            case VAA:
                return overlaps(rangeStart, rangeEnd) && !(broadcast && aset);
            default:
                throw new IllegalStateException(inv.scope().toString());
        }
    }

    /** Whether a cached table descriptor covering [{@code rangeStart}, {@code rangeEnd}) is removed. */
    public boolean matchesTable(boolean el2, int asid, boolean aset, long rangeStart, long rangeEnd) {
        if (!regime(el2)) {
            return false;
        }
        switch (inv.scope()) {
            case ALL:
                return true;
            case ASID:
                return asid == inv.asid() && !(broadcast && aset);
            case VA:
                return !inv.leaf() && asid == inv.asid() && overlaps(rangeStart, rangeEnd) && !(broadcast && aset);
            case VAA:
                return !inv.leaf() && overlaps(rangeStart, rangeEnd) && !(broadcast && aset);
            default:
                throw new IllegalStateException(inv.scope().toString());
        }
    }
}
