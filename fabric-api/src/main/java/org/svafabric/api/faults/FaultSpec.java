package org.svafabric.api.faults;

import org.svafabric.api.error.ErrnoException;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One fault to inject, as the API takes it.
 *
 * @param kind        one of {@link FaultKind}'s wire names ({@code prg-response-drop}, ...)
 * @param device      only this device (kinds scoped to a device); null: every device
 * @param service     the bus client that sees a bus fault: {@code device-service} (default, DMA) or {@code iommu-service}
 * @param count       the fault fires this many times, then clears itself; null: until cleared
 * @param delayMillis how late (prg-response-delay, atc-inv-timeout) or how much slower (bus-latency)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultSpec(String kind, String device, String service, Long count, Long delayMillis) {
    public static final long MAX_DELAY_MILLIS = 60_000;
    /** How late an ATS Invalidation Completion comes when no delay is given: past the SMMU's default wait (10 s). */
    public static final long DEFAULT_ATC_DELAY_MILLIS = 15_000;

    public FaultKind faultKind() {
        return FaultKind.parse(kind);
    }

    /** The service a fault lives in: its kind's, or for bus faults the named bus client. */
    public String owner() {
        FaultKind k = faultKind();
        if (k.scope() == FaultKind.Scope.SERVICE) {
            return service == null ? "device-service" : service;
        }
        return k.services().iterator().next();
    }

    public long delayOrDefault() {
        return delayMillis != null ? delayMillis : faultKind() == FaultKind.ATC_INV_TIMEOUT ? DEFAULT_ATC_DELAY_MILLIS : 0;
    }

    /**
     * Refuses a spec that does not make sense, naming the field at {@code at} (such as
     * {@code faults[1]}) as the caller wrote it.
     */
    public void validate(String at) {
        String p = at.isEmpty() ? "" : at + ".";
        if (kind == null || kind.isBlank()) {
            throw ErrnoException.invalid(p + "kind is required: one of " + FaultKind.names());
        }
        FaultKind k = faultKind();
        if (k == null) {
            throw ErrnoException.invalid(p + "kind: '" + kind + "' is not one of " + FaultKind.names());
        }
        if (device != null && k.scope() != FaultKind.Scope.DEVICE) {
            throw ErrnoException.invalid(p + "device: a " + kind + " fault is not scoped to a device");
        }
        if (device != null && device.isBlank()) {
            throw ErrnoException.invalid(p + "device must name a device, such as 0000:01:00.0");
        }
        if (service != null && k.scope() != FaultKind.Scope.SERVICE) {
            throw ErrnoException.invalid(p + "service: only bus faults name the service whose bus client sees them");
        }
        if (service != null && !k.services().contains(service)) {
            throw ErrnoException.invalid(p + "service: '" + service + "' is not one of " + String.join(", ", k.services()));
        }
        if (count != null && count < 1) {
            throw ErrnoException.invalid(p + "count must be at least 1 (omit it: until cleared)");
        }
        if (delayMillis == null && k.needsDelay()) {
            throw ErrnoException.invalid(p + "delayMillis is required for a " + kind + " fault");
        }
        if (delayMillis != null && !k.takesDelay()) {
            throw ErrnoException.invalid(p + "delayMillis: a " + kind + " fault takes no delay");
        }
        if (delayMillis != null && (delayMillis < 1 || delayMillis > MAX_DELAY_MILLIS)) {
            throw ErrnoException.invalid(p + "delayMillis must be 1.." + MAX_DELAY_MILLIS);
        }
    }
}
