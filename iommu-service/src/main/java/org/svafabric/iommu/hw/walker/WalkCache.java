package org.svafabric.iommu.hw.walker;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.tlb.InvalidationEpoch;
import org.svafabric.iommu.hw.tlb.InvalidationScope;

/**
 * Cached table descriptors ("walk cache"): for a region of VA, the translation table to use at a given
 * level and the hierarchical attributes accumulated above it, so a TLB miss can skip the upper levels.
 * Tagged, like TLB entries, by regime and ASID (not by TTB0: a CD that changes TTB0 under the same ASID
 * needs TLB maintenance, as on hardware). Direct-mapped; the same epoch rule as the TLB keeps fills that
 * overlapped an invalidation out.
 */
public final class WalkCache {

    /**
     * The table at {@code level} for VAs whose bits above {@code Vmsa.levelShift(level - 1)} equal
     * {@code vaTag}; {@code tableAttrs} are the {@link Perm} table attributes of the descriptors above it.
     */
    public record Entry(boolean el2, int asid, boolean aset, int level, long vaTag, long tablePa, int tableAttrs) {
        long regionStart() {
            return vaTag << Vmsa.levelShift(level - 1);
        }

        long regionEnd() {
            return regionStart() + Vmsa.levelSize(level - 1);
        }
    }

    /** Lookups that found a cached table, and those that walked from the start level. */
    public record Stats(long hits, long misses) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final InvalidationEpoch epoch;
    private final Object lock = new Object();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public WalkCache(int entries, InvalidationEpoch epoch) {
        this.slots = new AtomicReferenceArray<>(entries);
        this.epoch = epoch;
    }

    private int slotOf(boolean el2, int asid, int level, long vaTag) {
        long h = vaTag * 0x9E3779B97F4A7C15L + asid * 31L + level * 7L + (el2 ? 1 : 0);
        return (int) Long.remainderUnsigned(h ^ (h >>> 29), slots.length());
    }

    /** The deepest cached table on the way to {@code va} below {@code startLevel}, or null. */
    public Entry lookup(boolean el2, int asid, long va, int startLevel) {
        Entry e = peek(el2, asid, va, startLevel);
        if (e != null) {
            hits.increment();
        } else {
            misses.increment();
        }
        return e;
    }

    /**
     * The same table without counting a hit or miss: the walker asks ahead which tables a batch's walks will
     * start from, and each walk still makes its own (counted) {@link #lookup}.
     */
    Entry peek(boolean el2, int asid, long va, int startLevel) {
        for (int level = Vmsa.LEVELS - 1; level > startLevel; level--) {
            long tag = va >>> Vmsa.levelShift(level - 1);
            Entry e = slots.get(slotOf(el2, asid, level, tag));
            if (e != null && e.level == level && e.vaTag == tag && e.asid == asid && e.el2 == el2) {
                return e;
            }
        }
        return null;
    }

    public void insert(Entry e, long walkEpoch) {
        synchronized (lock) {
            if (epoch.mayFill(walkEpoch)) {
                slots.set(slotOf(e.el2, e.asid, e.level, e.vaTag), e);
            }
        }
    }

    public int invalidate(InvalidationScope scope) {
        epoch.beginInvalidation();
        try {
            return scan(scope);
        } finally {
            epoch.endInvalidation();
        }
    }

    private int scan(InvalidationScope scope) {
        int removed = 0;
        synchronized (lock) {
            for (int i = 0; i < slots.length(); i++) {
                Entry e = slots.get(i);
                if (e != null && scope.matchesTable(e.el2, e.asid, e.aset, e.regionStart(), e.regionEnd())) {
                    slots.set(i, null);
                    removed++;
                }
            }
        }
        return removed;
    }

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum());
    }
}
