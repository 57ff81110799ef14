package org.svafabric.api.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of a service's event log, as the public API shows it: an SMMU event name
 * ({@code F_TRANSLATION}, {@code C_BAD_SUBSTREAMID}, ...) or a flow event ({@code PRI_REQUEST},
 * {@code PRI_RESPONSE}, {@code STALL}, {@code RESUME}, {@code TLBI}, {@code ATC_INV}, {@code BIND},
 * {@code UNBIND}, {@code MM_EXIT}, {@code PRIQ_OVERFLOW}, ...).
 *
 * <p>{@code seq} increases within the emitting service; {@code id} is {@code <service>:<seq>}, so
 * that ids never collide in the gateway's merged timeline of several services' logs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FabricEvent(String id, Long seq, Instant time, String service, String type, String device, Integer sid,
                          Integer pasid, Long pid, String addr, String detail) {

    /** A new event; the log assigns id, seq, time and service. */
    public static FabricEvent of(String type, String device, Integer sid, Integer pasid, Long pid, Long addr, String detail) {
        return new FabricEvent(null, null, null, null, type, device, sid, pasid, pid,
                addr == null ? null : "0x" + Long.toHexString(addr), detail);
    }

    /** The event as the log of {@code service} records it as its {@code seq}-th. */
    public static FabricEvent recorded(long seq, Instant time, String service, String type, String device, Integer sid,
                                       Integer pasid, Long pid, String addr, String detail) {
        return new FabricEvent(service + ":" + seq, seq, time, service, type, device, sid, pasid, pid, addr, detail);
    }

    FabricEvent stamped(long seq, Instant time, String service) {
        return recorded(seq, time, service, type, device, sid, pasid, pid, addr, detail);
    }

    /** The same event attributed to process {@code owner} (an emitter that knows only the PASID learns the pid later). */
    public FabricEvent withPid(Long owner) {
        return new FabricEvent(id, seq, time, service, type, device, sid, pasid, owner, addr, detail);
    }

    public boolean matches(String type, String device, Integer pasid, Long pid) {
        return (type == null || type.equals(this.type))
                && (device == null || device.equals(this.device))
                && (pasid == null || pasid.equals(this.pasid))
                && (pid == null || pid.equals(this.pid));
    }
}
