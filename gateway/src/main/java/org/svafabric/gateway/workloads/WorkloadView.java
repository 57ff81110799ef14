package org.svafabric.gateway.workloads;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A workload as GET /workloads/{id} answers it: progress while it runs, the report once it ended, the failure if
 * it failed. Absent parts are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadView(String id, WorkloadStatus status, WorkloadRequest request, Instant created, Instant started,
                           Instant finished, WorkloadReport.Progress progress, WorkloadReport report, String failure) {

    /** POST /workloads: the workload accepted, queued. */
    public record Accepted(String id, WorkloadStatus status) {
    }
}
