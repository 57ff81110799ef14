package org.svafabric.iommu.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.core.fault.DeviceFaultHandlers;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.iopf.IopfQueue;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.UnrecoverableFault;
import org.svafabric.iommu.driver.FaultSink;

/**
 * The driver's fault reports delivered to the SMMU's IOPF queue (iommu_report_device_fault): the driver's
 * {@link FaultSink} on the data path from its PRI and event queues into the core. The queue needs the driver (to answer) and
 * the driver needs the queue (to report), so the queue is connected once both exist, before the driver probes
 * and can take a fault.
 */
public final class QueueFaultSink implements FaultSink {
    private static final Logger log = LoggerFactory.getLogger(QueueFaultSink.class);

    private volatile IopfQueue queue;
    private volatile DeviceFaultHandlers handlers;

    public void connect(IopfQueue queue) {
        this.queue = queue;
    }

    /** Unrecoverable faults go to the device drivers' fault handlers from now on. */
    public void connect(DeviceFaultHandlers handlers) {
        this.handlers = handlers;
    }

    @Override
    public void reportUnrecoverable(Device device, UnrecoverableFault fault) {
        DeviceFaultHandlers h = handlers;
        if (h != null) {
            h.report(device, fault);
        }
    }

    @Override
    public void report(IopfFault fault) {
        queue.report(fault);
    }

    @Override
    public void discardPartial() {
        int dropped = queue.discardPartial();
        log.warn("PRI queue overflow: discarded {} partial page requests whose group may have lost its Last request", dropped);
    }
}
