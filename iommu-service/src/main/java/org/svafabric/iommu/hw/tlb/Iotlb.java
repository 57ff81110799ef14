package org.svafabric.iommu.hw.tlb;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The SMMU's TLB of stage-1 translations: {@code entries} entries in sets of {@code ways}, indexed by the
 * page's VA (so global and per-ASID entries of one page share a set), LRU within a set.
 *
 * <p>Concurrency: lookups are lock-free reads of immutable entries. Fills and invalidations of a set hold
 * that set's lock; fills also check the {@link InvalidationEpoch} under it, so no fill from a walk that
 * overlapped an invalidation survives it. The LRU stamps are plain writes: racing lookups may order two
 * recent uses either way, which only makes the replacement choice approximate, never an entry wrong.
 */
public final class Iotlb {

    /** Counters since creation. */
    public record Stats(long hits, long misses, long fills, long evictions, long invalidated, int entries, int ways) {
    }

    private final int ways;
    private final int sets;
    private final int setMask;
    private final AtomicReferenceArray<TlbEntry> slots;
    private final long[] stamps;
    private final long[] clocks;
    private final Object[] locks;
    private final InvalidationEpoch epoch;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder fills = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder invalidated = new LongAdder();

    public Iotlb(int entries, int ways, InvalidationEpoch epoch) {
        if (ways < 1 || entries < ways || entries % ways != 0) {
            throw new IllegalArgumentException("entries " + entries + " must be a positive multiple of ways " + ways);
        }
        this.ways = ways;
        this.sets = entries / ways;
        this.setMask = Integer.bitCount(sets) == 1 ? sets - 1 : -1;
        this.slots = new AtomicReferenceArray<>(entries);
        this.stamps = new long[entries];
        this.clocks = new long[sets];
        this.locks = new Object[sets];
        for (int i = 0; i < sets; i++) {
            locks[i] = new Object();
        }
        this.epoch = epoch;
    }

    private int setOf(long vpn) {
        long h = vpn ^ (vpn >>> 17) ^ (vpn >>> 31);
        return setMask >= 0 ? (int) h & setMask : (int) Long.remainderUnsigned(h, sets);
    }

    /** The entry for page {@code vpn} in the given regime and address space, or null. */
    public TlbEntry lookup(boolean el2, int asid, boolean aset, long vpn) {
        int set = setOf(vpn);
        int base = set * ways;
        for (int i = 0; i < ways; i++) {
            TlbEntry e = slots.get(base + i);
            if (e != null && e.matches(el2, asid, aset, vpn)) {
                stamps[base + i] = ++clocks[set];
                hits.increment();
                return e;
            }
        }
        misses.increment();
        return null;
    }

    /**
     * The same entry without using it: no LRU stamp and no hit or miss counted, for a walker that only asks
     * which pages of a batch will walk before it translates them one by one.
     */
    public TlbEntry peek(boolean el2, int asid, boolean aset, long vpn) {
        int base = setOf(vpn) * ways;
        for (int i = 0; i < ways; i++) {
            TlbEntry e = slots.get(base + i);
            if (e != null && e.matches(el2, asid, aset, vpn)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Caches {@code entry} unless an invalidation began after {@code walkEpoch}; replaces an entry for the
     * same page and tags, else fills a free way, else evicts the least recently used.
     */
    public boolean insert(TlbEntry entry, long walkEpoch) {
        int set = setOf(entry.vpn());
        int base = set * ways;
        synchronized (locks[set]) {
            if (!epoch.mayFill(walkEpoch)) {
                return false;
            }
            int victim = wayToFill(base, entry);
            if (slots.get(base + victim) != null && !sameTags(slots.get(base + victim), entry)) {
                evictions.increment();
            }
            slots.set(base + victim, entry);
            stamps[base + victim] = ++clocks[set];
            fills.increment();
            return true;
        }
    }

    /** The way holding the same page and tags, else a free way, else the least recently used. Under the set lock. */
    private int wayToFill(int base, TlbEntry entry) {
        int free = -1;
        int lru = 0;
        for (int i = 0; i < ways; i++) {
            TlbEntry e = slots.get(base + i);
            if (e == null) {
                if (free < 0) {
                    free = i;
                }
            } else if (sameTags(e, entry)) {
                return i;
            } else if (stamps[base + i] < stamps[base + lru]) {
                lru = i;
            }
        }
        return free >= 0 ? free : lru;
    }

    private static boolean sameTags(TlbEntry a, TlbEntry b) {
        return a.global() == b.global() && a.matches(b.el2(), b.asid(), b.aset(), b.vpn());
    }

    /** Removes every entry {@code scope} covers; returns how many. */
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
        for (int set = 0; set < sets; set++) {
            int base = set * ways;
            synchronized (locks[set]) {
                for (int i = 0; i < ways; i++) {
                    TlbEntry e = slots.get(base + i);
                    if (e != null && scope.matchesTranslation(e.el2(), e.asid(), e.global(), e.aset(), e.rangeStart(), e.rangeEnd())) {
                        slots.set(base + i, null);
                        removed++;
                    }
                }
            }
        }
        invalidated.add(removed);
        return removed;
    }

    public int size() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), fills.sum(), evictions.sum(), invalidated.sum(), slots.length(), ways);
    }
}
