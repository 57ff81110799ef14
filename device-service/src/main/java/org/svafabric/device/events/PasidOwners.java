package org.svafabric.device.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.svafabric.api.events.FabricEvent;

/**
 * Which process each PASID's DMA is for, so that the device's events (page requests and
 * responses, timeouts, DMA faults, mm_exit) name the pid and the process's owner sees them in
 * the event log. A device knows only PASIDs; the gateway names the owner with every job it
 * submits. The mapping is exact: a PASID belongs to one mm at a time, a reused PASID's first job
 * names its new owner before the device sends any page request for it, and the PASID is
 * forgotten when its mm_exit is released.
 */
public final class PasidOwners {
    private final Map<Integer, Long> owners = new ConcurrentHashMap<>();

    public void learn(Integer pasid, Long pid) {
        if (pasid != null && pid != null) {
            owners.put(pasid, pid);
        }
    }

    public void forget(int pasid) {
        owners.remove(pasid);
    }

    public Long pidOf(Integer pasid) {
        return pasid == null ? null : owners.get(pasid);
    }

    /** The device's event sink, with the pid filled in from the PASID where the emitter did not know it. */
    public Consumer<FabricEvent> attributing(Consumer<FabricEvent> sink) {
        return e -> {
            Long pid = e.pid() == null ? pidOf(e.pasid()) : null;
            sink.accept(pid == null ? e : e.withPid(pid));
        };
    }
}
