package org.svafabric.iommu.core.port;

/**
 * Where the core reports what happened. The fault path calls it, so {@link #emit} must not block and must
 * not touch a database: an implementation queues the event and persists batches from another thread.
 */
public interface EventLog {

    void emit(CoreEvent event);
}
