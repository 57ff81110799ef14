package org.svafabric.iommu.hw.event;

/** Where the SMMU records events: the event queue in RAM (and, in tests, a list). */
@FunctionalInterface
public interface EventSink {
    /** Records {@code event}; returns false when the queue was full and the event was lost (overflow). */
    boolean record(Event event);
}
