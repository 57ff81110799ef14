package org.svafabric.gateway.workloads;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Workload meters at /actuator/prometheus: workloads ended by status and mode, their jobs and errors, and how many are active. */
@Component
class WorkloadMeters {
    private final MeterRegistry meters;

    WorkloadMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    void active(Supplier<Number> count) {
        Gauge.builder("workloads.active", count).description("workloads queued or running").register(meters);
    }

    void ended(WorkloadStatus status, WorkloadPlan plan, WorkloadStats stats) {
        String mode = plan.mode().name().toLowerCase();
        String faultMode = plan.faultMode().name().toLowerCase();
        Counter.builder("workloads.ended").description("workloads that ended, by status")
                .tags("status", status.name(), "mode", mode, "faultMode", faultMode).register(meters).increment();
        Counter.builder("workloads.jobs").description("jobs that workloads completed and checked")
                .tags("mode", mode, "faultMode", faultMode).register(meters).increment(stats.jobs());
        Counter.builder("workloads.job.errors").description("workload jobs that failed or moved the wrong bytes")
                .tags("mode", mode, "faultMode", faultMode).register(meters).increment(stats.errors());
    }
}
