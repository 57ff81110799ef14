package org.svafabric.iommu.hw.queue;

/**
 * A wired interrupt output of the SMMU (EVTQ, PRIQ, CMD_SYNC, GERROR) or the SEV wake-up event: the model
 * raises it, the driver side (wired by the lead) reacts. Raised outside every queue lock, so a handler may
 * read and write the queue registers directly.
 */
@FunctionalInterface
public interface Irq {
    Irq NONE = () -> {
    };

    void raise();
}
