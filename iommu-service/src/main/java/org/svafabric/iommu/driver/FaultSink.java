package org.svafabric.iommu.driver;

import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.UnrecoverableFault;

/** The IOMMU core's fault queue as the driver reports to it ({@code iommu_report_device_fault}). */
public interface FaultSink {

    /** A recoverable fault taken from the PRI queue or the event queue (a stall). Must not block on servicing. */
    void report(IopfFault fault);

    /**
     * The PRI queue overflowed: the SMMU discarded requests, possibly the Last request of groups whose
     * earlier requests were reported, so those partial groups will never complete
     * ({@code iopf_queue_discard_partial}).
     */
    void discardPartial();

    /**
     * An unrecoverable fault taken from the event queue: a transaction the SMMU terminated and recorded
     * (IOMMU_FAULT_DMA_UNRECOV). Must not block.
     */
    void reportUnrecoverable(Device device, UnrecoverableFault fault);
}
