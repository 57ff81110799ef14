package org.svafabric.iommu.hw.ats;

import org.svafabric.iommu.hw.Cost;
import org.svafabric.iommu.hw.walker.CostMeter;

/**
 * What a batch of translations cost the SMMU, summed over its pages for a timing model: STE and CD reads
 * (with their level-1 descriptors), translations served by the TLB, walks started and the descriptors they
 * read. Not thread-safe: one batch, one thread.
 */
public final class TranslationWork {
    private int steReads;
    private int cdReads;
    private int tlbHits;
    private int walks;
    private int walkReads;

    public void add(CostMeter m) {
        steReads += m.steReads;
        cdReads += m.cdReads;
        count(m.tlbHit, m.walkCacheHit, m.descriptorsRead);
    }

    /** A translation's {@link Cost}, as untranslated transactions report it. */
    public void add(Cost c) {
        steReads += c.steReads();
        cdReads += c.configReads() - c.steReads();
        count(c.tlbHit(), c.walkCacheHit(), c.descriptorsRead());
    }

    private void count(boolean tlbHit, boolean walkCacheHit, int descriptors) {
        if (tlbHit) {
            tlbHits++;
        } else if (descriptors > 0 || walkCacheHit) {
            walks++;
        }
        walkReads += descriptors;
    }

    public int steReads() {
        return steReads;
    }

    public int cdReads() {
        return cdReads;
    }

    public int tlbHits() {
        return tlbHits;
    }

    public int walks() {
        return walks;
    }

    public int walkReads() {
        return walkReads;
    }
}
