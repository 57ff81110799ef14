package org.svafabric.gateway.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * What a workload keeps of one job's completion record (GET /jobs/{id}): its wall-clock latency,
 * faults, the device-measured PRG round trips and, when the timing model is on, its model time.
 *
 * @param latencyMicros     the device's queue-to-completion time (wall clock)
 * @param prgRoundTripMicros PRG send-to-response samples (absent before the timing model: empty)
 * @param modelNanos        the job's critical path on the modelled hardware; null without a model
 * @param modelBreakdown    model nanoseconds by event kind; empty without a model
 */
record JobOutcome(String jobId, String status, long latencyMicros, long pageRequests, long groups, long stalls,
                  List<Long> prgRoundTripMicros, Long modelNanos, Map<String, Long> modelBreakdown, String error) {

    static JobOutcome of(JsonNode job, long measuredMicros) {
        JsonNode f = job.path("faults");
        List<Long> prg = new ArrayList<>();
        for (JsonNode s : job.path("prgRoundTripMicros")) {
            prg.add(s.asLong());
        }
        JsonNode model = job.path("model");
        Long modelNanos = model.hasNonNull("nanos") ? model.get("nanos").asLong() : null;
        Map<String, Long> breakdown = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : model.path("breakdown").properties()) {
            breakdown.put(e.getKey(), e.getValue().asLong());
        }
        long latency = job.hasNonNull("latencyMicros") ? job.get("latencyMicros").asLong() : measuredMicros;
        return new JobOutcome(job.path("jobId").asString(), job.path("status").asString(), latency,
                f.path("pageRequests").asLong(), f.path("groups").asLong(), f.path("stalls").asLong(), List.copyOf(prg),
                modelNanos, Map.copyOf(breakdown), job.hasNonNull("error") ? job.get("error").asString() : null);
    }

    boolean completed() {
        return "COMPLETED".equals(status);
    }
}
