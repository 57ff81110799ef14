package org.svafabric.mm.process;

import org.svafabric.api.wire.ProcessState;

/** A process of this run of the machine: identity, lifecycle state and its address space. */
public final class Process {
    private final long pid;
    private final String name;
    private final long uid;
    private final Mm mm;
    private volatile ProcessState state = ProcessState.RUNNING;
    private volatile String exitReason;

    Process(long pid, String name, long uid, Mm mm) {
        this.pid = pid;
        this.name = name;
        this.uid = uid;
        this.mm = mm;
    }

    public long pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    public long uid() {
        return uid;
    }

    public Mm mm() {
        return mm;
    }

    public ProcessState state() {
        return state;
    }

    public String exitReason() {
        return exitReason;
    }

    void setState(ProcessState state, String exitReason) {
        this.state = state;
        this.exitReason = exitReason;
    }
}
