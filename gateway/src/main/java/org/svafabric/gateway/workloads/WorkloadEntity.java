package org.svafabric.gateway.workloads;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A workload as persisted: who owns it, its request and report (JSON), and when it ran. */
@Entity
@Table(name = "workload")
public class WorkloadEntity {
    @Id
    private String id;
    private long uid;
    private String status;
    @Column(columnDefinition = "text")
    private String request;
    @Column(columnDefinition = "text")
    private String report;
    private String failure;
    @Column(columnDefinition = "text")
    private String resources;
    private Instant created;
    private Instant started;
    private Instant finished;

    protected WorkloadEntity() {
    }

    WorkloadEntity(String id, long uid, String request) {
        this.id = id;
        this.uid = uid;
        this.request = request;
        this.status = WorkloadStatus.QUEUED.name();
        this.created = Instant.now();
    }

    public String getId() {
        return id;
    }

    public long getUid() {
        return uid;
    }

    public WorkloadStatus getStatus() {
        return WorkloadStatus.valueOf(status);
    }

    public String getRequest() {
        return request;
    }

    public String getReport() {
        return report;
    }

    public String getFailure() {
        return failure;
    }

    public Instant getCreated() {
        return created;
    }

    public Instant getStarted() {
        return started;
    }

    public Instant getFinished() {
        return finished;
    }

    public String getResources() {
        return resources;
    }

    void holds(String resources) {
        this.resources = resources;
    }

    void started() {
        status = WorkloadStatus.RUNNING.name();
        started = Instant.now();
    }

    void ended(WorkloadStatus end, String report, String failure) {
        this.status = end.name();
        this.report = report;
        this.failure = failure == null ? null : failure.length() > 4000 ? failure.substring(0, 3997) + "..." : failure;
        this.finished = Instant.now();
    }
}
