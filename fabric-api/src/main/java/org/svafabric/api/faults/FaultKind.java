package org.svafabric.api.faults;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults the fabric can inject, each where the architecture puts it: PRG responses on the
 * SMMU's PCIe side and its PRI and event queues (iommu-service), the endpoint's ATS Invalidation
 * Completion (device-service), and the memory bus as a service's bus client sees it.
 */
public enum FaultKind {
    /** PRG Responses are lost on the link: the device's PRG response timeout must fire and be reported. */
    PRG_RESPONSE_DROP("prg-response-drop", Scope.DEVICE, false, "iommu-service"),
    /** PRG Responses arrive {@code delayMillis} late. */
    PRG_RESPONSE_DELAY("prg-response-delay", Scope.DEVICE, true, "iommu-service"),
    /** The SMMU answers Response Failure in place of the IOPF handler's answer: the function stops PRI until re-enabled. */
    RESPONSE_FAILURE("response-failure", Scope.DEVICE, false, "iommu-service"),
    /** Page requests meet a full PRI queue: overflow, Last requests auto-answered, partial groups discarded. */
    PRIQ_OVERFLOW("priq-overflow", Scope.DEVICE, false, "iommu-service"),
    /** Event records meet a full event queue: discarded and the overflow flagged (stall records are never discarded). */
    EVTQ_OVERFLOW("evtq-overflow", Scope.NONE, false, "iommu-service"),
    /** The endpoint invalidates its ATC but its Invalidation Completion comes {@code delayMillis} late (after the SMMU gave up). */
    ATC_INV_TIMEOUT("atc-inv-timeout", Scope.DEVICE, false, "device-service"),
    /** Every memory-bus call of a service waits {@code delayMillis} more. */
    BUS_LATENCY("bus-latency", Scope.SERVICE, true, "device-service", "iommu-service"),
    /** Memory-bus calls of a service fail as a bus abort would. */
    BUS_ERROR("bus-error", Scope.SERVICE, false, "device-service", "iommu-service");

    /** What a fault of this kind may be narrowed to. */
    public enum Scope { NONE, DEVICE, SERVICE }

    private final String wire;
    private final Scope scope;
    private final boolean needsDelay;
    private final Set<String> services;

    FaultKind(String wire, Scope scope, boolean needsDelay, String... services) {
        this.wire = wire;
        this.scope = scope;
        this.needsDelay = needsDelay;
        this.services = Set.of(services);
    }

    public String wire() {
        return wire;
    }

    public Scope scope() {
        return scope;
    }

    /** {@code delayMillis} is required (delay, latency), optional (ATC timeout: how late) or refused (the rest). */
    public boolean needsDelay() {
        return needsDelay;
    }

    public boolean takesDelay() {
        return needsDelay || this == ATC_INV_TIMEOUT;
    }

    /** The services where a fault of this kind can live (bus faults: the one named by {@code service}). */
    public Set<String> services() {
        return services;
    }

    public static FaultKind parse(String wire) {
        for (FaultKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        return null;
    }

    public static String names() {
        return Arrays.stream(values()).map(FaultKind::wire).collect(Collectors.joining(", "));
    }

    public static Set<FaultKind> ownedBy(String service) {
        Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
        for (FaultKind k : values()) {
            if (k.services.contains(service)) {
                out.add(k);
            }
        }
        return out;
    }
}
