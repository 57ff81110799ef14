package org.svafabric.device.engine;

/** A job's life: QUEUED -> RUNNING -> one of the three final states (QUEUED -> ABORTED directly on mm_exit). */
public enum JobStatus {
    QUEUED, RUNNING, COMPLETED, FAULTED, ABORTED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAULTED || this == ABORTED;
    }
}
