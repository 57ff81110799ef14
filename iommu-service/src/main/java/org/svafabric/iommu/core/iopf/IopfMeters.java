package org.svafabric.iommu.core.iopf;

import java.util.EnumMap;
import java.util.Map;

import org.svafabric.iommu.core.port.PageResponseCode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The fault queue's counters and timers, tagged with the queue name and {@code kind} (pri or stall).
 * {@code sva.iopf.latency} runs from the arrival of a group's first request to its response.
 */
final class IopfMeters {
    final Counter stopMarkers;
    final Counter internalErrors;
    final Counter responseErrors;
    final Counter discardedPartials;
    private final Map<IopfFault.Kind, Counter> requests = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Counter> groups = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Map<PageResponseCode, Counter>> responses = new EnumMap<>(IopfFault.Kind.class);
    private final Map<IopfFault.Kind, Timer> latencies = new EnumMap<>(IopfFault.Kind.class);

    IopfMeters(String queue, MeterRegistry registry) {
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
            latencies.put(kind, Timer.builder("sva.iopf.latency").tag("queue", queue).tag("kind", tag(kind))
                    .description("from a group's first page request to its response").register(registry));
            Map<PageResponseCode, Counter> byCode = new EnumMap<>(PageResponseCode.class);
            for (PageResponseCode code : PageResponseCode.values()) {
                byCode.put(code, Counter.builder("sva.iopf.responses").tag("queue", queue).tag("kind", tag(kind))
                        .tag("code", code.name()).description("responses sent, by code").register(registry));
            }
            responses.put(kind, byCode);
        }
    }

    Counter request(IopfFault.Kind kind) {
        return requests.get(kind);
    }

    Counter group(IopfFault.Kind kind) {
        return groups.get(kind);
    }

    Counter response(IopfFault.Kind kind, PageResponseCode code) {
        return responses.get(kind).get(code);
    }

    Timer latency(IopfFault.Kind kind) {
        return latencies.get(kind);
    }

    private static String tag(IopfFault.Kind kind) {
        return kind == IopfFault.Kind.STALL ? "stall" : "pri";
    }
}
