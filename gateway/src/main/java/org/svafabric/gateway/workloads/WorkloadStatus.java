package org.svafabric.gateway.workloads;

/** QUEUED until a runner takes it; RUNNING through setup, the timed part and teardown; then one of the three ends. */
public enum WorkloadStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    boolean ended() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
