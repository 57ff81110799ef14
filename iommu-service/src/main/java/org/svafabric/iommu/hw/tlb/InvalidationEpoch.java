package org.svafabric.iommu.hw.tlb;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders cache fills against invalidations, so that once an invalidation has returned no cache holds
 * anything it should have removed.
 *
 * <p>An invalidation is bracketed by {@link #beginInvalidation()} and {@link #endInvalidation()} (they nest:
 * an SMMU-level invalidation wraps the TLB's and the walk cache's). A walk calls {@link #startFill()} before
 * it reads any descriptor or cached entry, and may insert its result only if {@link #mayFill(long)} holds
 * under the lock that also guards the entry's removal. The rules:
 * <ul>
 * <li>{@code beginInvalidation} raises the active count, then advances the epoch;</li>
 * <li>{@code startFill} reads the epoch, then the active count, and gives up filling if an invalidation is
 *     in progress;</li>
 * <li>{@code mayFill} requires the epoch it started with.</li>
 * </ul>
 * A walk that began before an invalidation either inserted before the epoch advanced (and the invalidation's
 * scan, which takes the same lock afterwards, removes the entry) or sees the new epoch and drops its fill.
 * A walk that began during an invalidation never fills, so it cannot re-insert something it read from a
 * cache the scan had not yet reached. Dropped fills only cost a later miss.
 */
public final class InvalidationEpoch {
    /** What {@link #startFill()} returns when the walk must not fill. */
    public static final long NO_FILL = -1;

    private final AtomicLong epoch = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();

    public void beginInvalidation() {
        active.incrementAndGet();
        epoch.incrementAndGet();
    }

    public void endInvalidation() {
        active.decrementAndGet();
    }

    public long startFill() {
        long e = epoch.get();
        return active.get() == 0 ? e : NO_FILL;
    }

    public boolean mayFill(long start) {
        return start != NO_FILL && epoch.get() == start;
    }
}
