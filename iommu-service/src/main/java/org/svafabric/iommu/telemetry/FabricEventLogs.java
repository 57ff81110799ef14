package org.svafabric.iommu.telemetry;

import java.util.OptionalLong;
import java.util.function.IntFunction;

import org.svafabric.api.events.EventLog;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.driver.DriverEvents;

/**
 * The service's event log (fabric-api's {@link EventLog}: in memory at once, persisted in batches by its own
 * thread) behind the core's and the driver's event ports. Neither port blocks. An event that names a PASID
 * but no process gets the process bound there (an in-memory lookup), so that users see the faults of their
 * own processes.
 */
public final class FabricEventLogs {
    private final EventLog log;
    private volatile IntFunction<OptionalLong> pidOfPasid = pasid -> OptionalLong.empty();

    public FabricEventLogs(EventLog log) {
        this.log = log;
    }

    /** iommu_sva_find, once the core exists. */
    public void resolvePidsWith(IntFunction<OptionalLong> lookup) {
        this.pidOfPasid = lookup;
    }

    public org.svafabric.iommu.core.port.EventLog core() {
        return (CoreEvent e) -> log.emit(FabricEvent.of(e.type().name(), e.device(), e.sid(), e.pasid(),
                e.pid() != null ? e.pid() : pid(e.pasid()), e.addr(), e.detail()));
    }

    public DriverEvents driver() {
        return (type, device, sid, pasid, addr, detail) -> log.emit(FabricEvent.of(type, device, sid, pasid, pid(pasid), addr, detail));
    }

    private Long pid(Integer pasid) {
        if (pasid == null) {
            return null;
        }
        OptionalLong pid = pidOfPasid.apply(pasid);
        return pid.isPresent() ? pid.getAsLong() : null;
    }
}
