package org.svafabric.iommu.hw.walker;

/**
 * What one translation spent, counted as it goes (a fresh meter per translation on the slow path; the
 * TLB-hit path does not need one): structures fetched for configuration, descriptors read by the walk,
 * compare-and-swap updates of descriptors, and which caches hit.
 */
public final class CostMeter {
    public boolean steCached;
    public boolean cdCached;
    public boolean tlbHit;
    public boolean walkCacheHit;
    /** STEs, CDs and level-1 descriptors read from RAM. */
    public int configReads;
    /** Of {@code configReads}: those for the STE (with its level-1 descriptor). */
    public int steReads;
    /** Of {@code configReads}: those for the CD (with its level-1 descriptor). */
    public int cdReads;
    /** Translation table descriptors read from RAM. */
    public int descriptorsRead;
    /** Compare-and-swap attempts on descriptors (HTTU), including ones that lost a race. */
    public int casUpdates;
}
