package org.svafabric.gateway.workloads;

import java.util.List;
import java.util.Map;

import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.timing.ModelTime;

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

    static JobOutcome of(DeviceViews.Job job, long measuredMicros) {
        DeviceViews.Faults f = job.faults();
        ModelTime model = job.model();
        long latency = job.latencyMicros() != null ? job.latencyMicros() : measuredMicros;
        return new JobOutcome(job.jobId(), job.status(), latency, f == null ? 0 : f.pageRequests(), f == null ? 0 : f.groups(),
                f == null ? 0 : f.stalls(), job.prgRoundTripMicros() == null ? List.of() : List.copyOf(job.prgRoundTripMicros()),
                model == null ? null : model.nanos(), model == null ? Map.of() : Map.copyOf(model.breakdown()), job.error());
    }

    boolean completed() {
        return "COMPLETED".equals(status);
    }
}
