package org.svafabric.iommu.driver;

import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.pri.PageRequest;

/**
 * The driver's tracepoints (the {@code arm_smmu_*} work the meters count): what the queue threads took from
 * the SMMU and what the driver issued. The configuration hangs the meters on it; the driver's handlers only
 * call it. Implementations must not block (the queue threads call them).
 */
public interface DriverListener {
    DriverListener NONE = new DriverListener() {
    };

    /** An event record the event-queue thread took (F_*, C_*). */
    default void eventRecord(Event e) {
    }

    /** EVTQ overflow seen: the SMMU discarded event records while the queue was full. */
    default void eventQueueOverflow() {
    }

    /** A page request the PRI-queue thread took. */
    default void pageRequest(PageRequest r) {
    }

    /** PRIQ overflow seen: the SMMU discarded page requests while the queue was full. */
    default void priQueueOverflow() {
    }

    /** A batch of commands issued with {@code tlbis} CMD_TLBI_* and {@code atcInvs} CMD_ATC_INV in it. */
    default void invalidationsIssued(int tlbis, int atcInvs) {
    }
}
