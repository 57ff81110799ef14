package org.svafabric.iommu.hw;

import org.svafabric.iommu.hw.event.Event;

/**
 * The outcome of translating one transaction: a physical address, a fault with the event that describes it,
 * or a silent termination. No exceptions for architectural outcomes; each carries its {@link Cost}.
 */
public sealed interface Translation permits Translation.Ok, Translation.Fault, Translation.Aborted {

    Cost cost();

    /**
     * The transaction proceeds to {@code pa}; the translation covered 2^{@code sizeShift} bytes with
     * {@code perms} ({@link org.svafabric.iommu.hw.walker.Perm} bits; all of them for bypass).
     */
    record Ok(long pa, int perms, int sizeShift, Cost cost) implements Translation {
    }

    /**
     * The transaction faulted. {@code stall}: it is eligible to stall (CD.S = 1, a translation-related fault):
     * the caller holds it and records the event with STALL = 1. Otherwise it terminates now: the event is
     * recorded when {@code record} (CD.R for translation faults, SMMU_CR2.RECINVSID for C_BAD_STREAMID,
     * always for configuration errors), and the device sees an abort when {@code abort}, else RAZ/WI (CD.A = 0).
     * {@code detail} says why, for people (e.g. which ILLEGAL rule an STE broke).
     */
    record Fault(Event event, boolean stall, boolean record, boolean abort, String detail, Cost cost) implements Translation {
    }

    /** Terminated with an abort and no event: STE.Config = abort, or GBPA.ABORT while SMMUEN = 0. */
    record Aborted(String reason, Cost cost) implements Translation {
    }
}
