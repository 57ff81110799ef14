package org.svafabric.iommu.config;

import org.svafabric.api.events.EventLog;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.driver.DriverEvents;

/**
 * The service's event log (fabric-api's {@link EventLog}: in memory at once, persisted in batches by its own
 * thread) behind the core's and the driver's event ports. Neither port blocks.
 */
final class FabricEventLogs {
    private FabricEventLogs() {
    }

    static org.svafabric.iommu.core.port.EventLog core(EventLog log) {
        return (CoreEvent e) -> log.emit(FabricEvent.of(e.type().name(), e.device(), e.sid(), e.pasid(), e.pid(), e.addr(), e.detail()));
    }

    static DriverEvents driver(EventLog log) {
        return (type, device, sid, pasid, addr, detail) -> log.emit(FabricEvent.of(type, device, sid, pasid, null, addr, detail));
    }
}
