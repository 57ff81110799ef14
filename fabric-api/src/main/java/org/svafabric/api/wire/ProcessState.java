package org.svafabric.api.wire;

/**
 * A process's state as mm-service reports it. LOST: mm-service restarted under a live process, whose RAM is
 * gone with it (to everyone else an exited mm).
 */
public enum ProcessState {
    RUNNING,
    EXITING,
    EXITED,
    LOST;

    /** Whether its address space is still usable (not exiting, not gone). */
    public boolean isRunning() {
        return this == RUNNING;
    }
}
