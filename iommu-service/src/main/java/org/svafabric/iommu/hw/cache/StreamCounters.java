package org.svafabric.iommu.hw.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Per-StreamID counters of what translations cost, kept by the model (the service exports them to
 * Micrometer from {@link #snapshot()}). LongAdders, because device threads of one stream update them
 * concurrently; the hot path (TLB hit, configuration cached) adds to a single one.
 */
public final class StreamCounters {

    /** The counters at one instant. */
    public record Snapshot(int sid, long translations, long tlbHits, long walks, long faults, long configFetches,
                           long descriptorsRead, long casUpdates, long atsRequests) {
    }

    private final int sid;
    private final LongAdder fastHits = new LongAdder();
    private final LongAdder slowPaths = new LongAdder();
    private final LongAdder slowTlbHits = new LongAdder();
    private final LongAdder walks = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder configFetches = new LongAdder();
    private final LongAdder descriptorsRead = new LongAdder();
    private final LongAdder casUpdates = new LongAdder();
    private final LongAdder atsRequests = new LongAdder();

    public StreamCounters(int sid) {
        this.sid = sid;
    }

    /** A translation served by the TLB with its configuration cached. */
    public void fastHit() {
        fastHits.increment();
    }

    /** A translation (or ATS request) that took the slow path. */
    public void slowPath(boolean tlbHit, boolean faulted, int configReads, int descriptors, int cas) {
        slowPaths.increment();
        if (tlbHit) {
            slowTlbHits.increment();
        }
        if (descriptors > 0) {
            walks.increment();
            descriptorsRead.add(descriptors);
        }
        if (faulted) {
            faults.increment();
        }
        if (configReads > 0) {
            configFetches.add(configReads);
        }
        if (cas > 0) {
            casUpdates.add(cas);
        }
    }

    public void atsRequest() {
        atsRequests.increment();
    }

    public Snapshot snapshot() {
        long fast = fastHits.sum();
        return new Snapshot(sid, fast + slowPaths.sum(), fast + slowTlbHits.sum(), walks.sum(), faults.sum(),
                configFetches.sum(), descriptorsRead.sum(), casUpdates.sum(), atsRequests.sum());
    }
}
