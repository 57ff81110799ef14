package org.svafabric.api.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of a service's event log, as the public API shows it: an SMMU event name
 * ({@code F_TRANSLATION}, {@code C_BAD_SUBSTREAMID}, ...) or a flow event ({@code PRI_REQUEST},
 * {@code PRI_RESPONSE}, {@code STALL}, {@code RESUME}, {@code TLBI}, {@code ATC_INV}, {@code BIND},
 * {@code UNBIND}, {@code MM_EXIT}, {@code PRIQ_OVERFLOW}, ...). Ids increase within a service.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FabricEvent(Long id, Instant time, String service, String type, String device, Integer sid,
                          Integer pasid, Long pid, String addr, String detail) {

    /** A new event; the log assigns id, time and service. */
    public static FabricEvent of(String type, String device, Integer sid, Integer pasid, Long pid, Long addr, String detail) {
        return new FabricEvent(null, null, null, type, device, sid, pasid, pid,
                addr == null ? null : "0x" + Long.toHexString(addr), detail);
    }

    FabricEvent stamped(long id, Instant time, String service) {
        return new FabricEvent(id, time, service, type, device, sid, pasid, pid, addr, detail);
    }

    public boolean matches(String type, String device, Integer pasid, Long pid) {
        return (type == null || type.equals(this.type))
                && (device == null || device.equals(this.device))
                && (pasid == null || pasid.equals(this.pasid))
                && (pid == null || pid.equals(this.pid));
    }
}
