package org.svafabric.iommu.telemetry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.iopf.IopfGroup;
import org.svafabric.iommu.core.iopf.IopfListener;
import org.svafabric.iommu.core.iopf.IopfQueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The fault queue's counters and timers ({@code sva.iopf.*}), tagged with the queue name and {@code kind} (pri
 * or stall), kept from its tracepoints. {@code sva.iopf.latency} runs from the arrival of a group's first
 * request to its response; its histogram feeds the Grafana dashboard's percentiles (docs/monitoring/grafana),
 * so keep the names stable. The gauges read the queue's state.
 */
public final class IopfMeters implements IopfListener {
    private final String queue;
    private final MeterRegistry registry;
    private final Counter stopMarkers;
    private final Counter internalErrors;
    private final Counter responseErrors;
    private final Counter discardedPartials;
    private final Map<IopfFault.Kind, Counter> requests = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Counter> groups = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Map<PrgResponseCode, Counter>> responses = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Timer> latencies = new EnumMap<>(IopfFault.Kind.class);

    public IopfMeters(String queue, MeterRegistry registry) {
        this.queue = queue;
        this.registry = registry;
        this.stopMarkers = Counter.builder("sva.iopf.stop_markers").tag("queue", queue)
                .description("groups ended by a PASID stop marker, which get no response").register(registry);
        this.internalErrors = Counter.builder("sva.iopf.internal_errors").tag("queue", queue)
                .description("groups answered INVALID because they could not be serviced").register(registry);
        this.responseErrors = Counter.builder("sva.iopf.response_errors").tag("queue", queue)
                .description("responses the driver could not send").register(registry);
        this.discardedPartials = Counter.builder("sva.iopf.partial.discarded").tag("queue", queue)
                .description("partial page requests dropped (device not on the queue, or removed)").register(registry);
        for (IopfFault.Kind kind : IopfFault.Kind.values()) {
            requests.put(kind, Counter.builder("sva.iopf.page_requests").tag("queue", queue).tag("kind", tag(kind))
                    .description("page requests and stalls reported").register(registry));
            groups.put(kind, Counter.builder("sva.iopf.groups").tag("queue", queue).tag("kind", tag(kind))
                    .description("complete fault groups").register(registry));
            latencies.put(kind, Timer.builder("sva.iopf.latency").tag("queue", queue).tag("kind", tag(kind)).publishPercentileHistogram()
                    .description("from a group's first page request to its response").register(registry));
            Map<PrgResponseCode, Counter> byCode = new EnumMap<>(PrgResponseCode.class);
            for (PrgResponseCode code : PrgResponseCode.values()) {
                byCode.put(code, Counter.builder("sva.iopf.responses").tag("queue", queue).tag("kind", tag(kind))
                        .tag("code", code.name()).description("responses sent, by code").register(registry));
            }
            responses.put(kind, byCode);
        }
    }

    /** The queue's depth, groups in flight and partial requests as gauges. */
    public IopfQueue watch(IopfQueue q) {
        Gauge.builder("sva.iopf.queue.depth", q, IopfQueue::waiting).tag("queue", queue)
                .description("fault groups waiting for a worker").register(registry);
        Gauge.builder("sva.iopf.inflight", q, IopfQueue::inFlight).tag("queue", queue)
                .description("fault groups queued or being serviced").register(registry);
        Gauge.builder("sva.iopf.partial", q, IopfQueue::partials).tag("queue", queue)
                .description("page requests waiting for the last request of their group").register(registry);
        return q;
    }

    @Override
    public void faultReported(IopfFault fault) {
        requests.get(fault.kind()).increment();
    }

    @Override
    public void groupComplete(IopfFault last) {
        groups.get(last.kind()).increment();
    }

    @Override
    public void partialsDiscarded(int count) {
        discardedPartials.increment(count);
    }

    @Override
    public void groupFailed(IopfGroup group, String why) {
        internalErrors.increment();
    }

    @Override
    public void responded(IopfGroup group, PrgResponseCode code, String why) {
        IopfFault.Kind kind = group.last().kind();
        responses.get(kind).get(code).increment();
        latencies.get(kind).record(System.nanoTime() - group.arrivedNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void stopMarker(IopfGroup group) {
        stopMarkers.increment();
    }

    @Override
    public void responseFailed(IopfGroup group, RuntimeException cause) {
        responseErrors.increment();
    }

    private static String tag(IopfFault.Kind kind) {
        return kind == IopfFault.Kind.STALL ? "stall" : "pri";
    }
}
