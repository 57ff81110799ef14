package org.svafabric.iommu.hw;

import org.svafabric.iommu.hw.walker.CostMeter;

/**
 * What a translation cost, so that a timing model can price it: which caches served it and how many
 * memory accesses it made (configuration structures, translation table descriptors, compare-and-swap
 * updates of descriptors by HTTU). {@code steReads} is the STE's share of {@code configReads} (the rest are the
 * CD's).
 */
public record Cost(boolean steCached, boolean cdCached, boolean tlbHit, boolean walkCacheHit, int configReads,
                   int descriptorsRead, int casUpdates, int steReads) {

    public Cost(boolean steCached, boolean cdCached, boolean tlbHit, boolean walkCacheHit, int configReads,
                int descriptorsRead, int casUpdates) {
        this(steCached, cdCached, tlbHit, walkCacheHit, configReads, descriptorsRead, casUpdates, 0);
    }

    /** Everything cached: the hot path. */
    public static final Cost TLB_HIT = new Cost(true, true, true, false, 0, 0, 0);

    /** Nothing looked up at all (SMMU disabled: GBPA decides). */
    public static final Cost NONE = new Cost(false, false, false, false, 0, 0, 0);

    public static Cost of(CostMeter m) {
        return new Cost(m.steCached, m.cdCached, m.tlbHit, m.walkCacheHit, m.configReads, m.descriptorsRead, m.casUpdates, m.steReads);
    }

    /** Memory accesses the translation made. */
    public int memoryAccesses() {
        return configReads + descriptorsRead + casUpdates;
    }
}
