package org.svafabric.mm.process.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.svafabric.api.wire.ProcessState;

/** A process as persisted (table {@code process}). */
@Entity
@Table(name = "process")
public class ProcessRecord {
    @Id
    private long pid;

    @Column(nullable = false, length = 64)
    private String name;

    @Column(nullable = false)
    private long uid;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private ProcessState state;

    @Column(name = "exit_reason")
    private String exitReason;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    protected ProcessRecord() {
    }

    public ProcessRecord(long pid, String name, long uid, ProcessState state, Instant createdAt) {
        this.pid = pid;
        this.name = name;
        this.uid = uid;
        this.state = state;
        this.createdAt = createdAt;
    }

    public long getPid() {
        return pid;
    }

    public String getName() {
        return name;
    }

    public long getUid() {
        return uid;
    }

    public ProcessState getState() {
        return state;
    }

    public String getExitReason() {
        return exitReason;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getEndedAt() {
        return endedAt;
    }

    /** Moves to {@code state}; a terminal state records when and why the process ended. */
    public void setState(ProcessState state, String exitReason, Instant now) {
        this.state = state;
        this.exitReason = exitReason;
        if ((state == ProcessState.EXITED || state == ProcessState.LOST) && endedAt == null) {
            this.endedAt = now;
        }
    }
}
