package org.svafabric.iommu.core.port;

/**
 * A process as mm-service reports it.
 *
 * @param pgd   physical address of its stage-1 page-table base (TTBR0), meaningful while RUNNING
 * @param asid  its current ASID, meaningful while RUNNING
 */
public record ProcessInfo(long pid, long pgd, int asid, State state) {

    public enum State {
        RUNNING, EXITING, EXITED
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }
}
