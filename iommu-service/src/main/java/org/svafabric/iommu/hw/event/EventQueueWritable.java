package org.svafabric.iommu.hw.event;

import java.util.concurrent.CompletionStage;

/**
 * When the event queue can next take a record. "If the Event queue is not writable at the time when the
 * fault record of a stall is to be written, the stalled transaction is retried as though it had just
 * arrived when the queue is next writable" (IHI 0070 §3.12.2): the stall table waits on this.
 */
@FunctionalInterface
public interface EventQueueWritable {
    /** Completes (possibly at once) when the queue is enabled and has a free entry. */
    CompletionStage<Void> whenWritable();
}
