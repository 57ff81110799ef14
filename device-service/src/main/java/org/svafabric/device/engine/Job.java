package org.svafabric.device.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.svafabric.api.timing.TimingTable;

/**
 * One DMA job and its completion record. Status moves only forward (QUEUED -> RUNNING ->
 * final, or QUEUED -> ABORTED) by compare-and-set, so an engine picking the job up and
 * mm_exit aborting it cannot both win. {@link #done()} completes once, on the final state.
 */
public final class Job {
    private final String id;
    private final String device;
    private final JobSpec spec;
    private final Long uid;
    private final long submittedNanos;
    /** Wall clock at submission: orders the jobs of several device-service shards in one listing. */
    private final long submittedMillis = System.currentTimeMillis();
    private final AtomicReference<JobStatus> status = new AtomicReference<>(JobStatus.QUEUED);
    private final AtomicLong bytes = new AtomicLong();
    private final FaultCounters faults = new FaultCounters();
    private final JobRecorder recorder;
    private final CompletableFuture<Job> done = new CompletableFuture<>();
    private volatile boolean abortRequested;
    private volatile String abortReason;
    private volatile long finishedNanos;
    private volatile String error;
    private volatile Long faultAddr;
    private volatile String event;
    private volatile String result;
    /** What the driver's fault handler was told about this job, in order; at most {@link #MAX_REPORTED_FAULTS}. */
    private final java.util.List<UnrecoverableFault> reported = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A job that faults keeps the first reports: enough to see why, bounded whatever the SMMU records. */
    public static final int MAX_REPORTED_FAULTS = 64;

    public Job(String id, String device, JobSpec spec, long submittedNanos) {
        this(id, device, spec, null, submittedNanos);
    }

    /** @param uid who submitted the job (the gateway's caller), null when nobody said */
    public Job(String id, String device, JobSpec spec, Long uid, long submittedNanos) {
        this(id, device, spec, uid, submittedNanos, TimingTable.defaults());
    }

    /** {@code timing}: the prices of the job's model clock (the topology's, with the job's overrides). */
    public Job(String id, String device, JobSpec spec, Long uid, long submittedNanos, TimingTable timing) {
        this.recorder = new JobRecorder(timing);
        this.id = id;
        this.device = device;
        this.spec = spec;
        this.uid = uid;
        this.submittedNanos = submittedNanos;
    }

    public String id() {
        return id;
    }

    /** When it was submitted, by the wall clock (ms since the epoch). */
    public long submittedMillis() {
        return submittedMillis;
    }

    /** The driver's fault handler attributes an unrecoverable fault to this job. */
    public void noteUnrecoverable(UnrecoverableFault f) {
        if (reported.size() < MAX_REPORTED_FAULTS) {
            reported.add(f);
        }
    }

    public java.util.List<UnrecoverableFault> unrecoverableFaults() {
        return java.util.List.copyOf(reported);
    }

    /** Whether {@code addr} lies in a buffer this job reads or writes. */
    public boolean touches(long addr) {
        long len = spec.length();
        return spec.op().needsSrc() && addr - spec.src() >= 0 && addr - spec.src() < len
                || spec.op().needsDst() && addr - spec.dst() >= 0 && addr - spec.dst() < len;
    }

    public String device() {
        return device;
    }

    public JobSpec spec() {
        return spec;
    }

    public Integer pasid() {
        return spec.pasid();
    }

    /** The submitter's uid, or null. */
    public Long uid() {
        return uid;
    }

    public JobStatus status() {
        return status.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public FaultCounters faults() {
        return faults;
    }

    /** What the job's DMA did, priced by its model clock. */
    public JobRecorder recorder() {
        return recorder;
    }

    public String error() {
        return error;
    }

    public Long faultAddr() {
        return faultAddr;
    }

    /** The SMMU event behind a fault, if any. */
    public String event() {
        return event;
    }

    public String result() {
        return result;
    }

    /** Submission to final state, or null while the job is not finished. */
    public Long latencyNanos() {
        return status().isFinal() ? finishedNanos - submittedNanos : null;
    }

    public CompletableFuture<Job> done() {
        return done;
    }

    /** mm_exit asks a running job to stop at its next segment boundary. */
    public void requestAbort() {
        abortRequested = true;
    }

    /** Asks a running job to stop at its next segment boundary, saying why (a reset of the machine). */
    public void requestAbort(String why) {
        abortReason = why;
        abortRequested = true;
    }

    /** Why the abort was asked, or null for mm_exit's. */
    public String abortReason() {
        return abortReason;
    }

    public boolean abortRequested() {
        return abortRequested;
    }

    void progress(long n) {
        bytes.addAndGet(n);
    }

    /** An engine takes the job; false if it was aborted while queued. */
    boolean start() {
        return status.compareAndSet(JobStatus.QUEUED, JobStatus.RUNNING);
    }

    /** Aborts a job that has not started; false if an engine took it first. */
    public boolean abortQueued(long nowNanos, String why) {
        if (!status.compareAndSet(JobStatus.QUEUED, JobStatus.ABORTED)) {
            return false;
        }
        error = why;
        finishedNanos = nowNanos;
        done.complete(this);
        return true;
    }

    void complete(String result, long nowNanos) {
        this.result = result;
        finish(JobStatus.COMPLETED, nowNanos);
    }

    void fault(DmaFault f, long nowNanos) {
        error = f.reason();
        faultAddr = f.addr();
        event = f.event();
        finish(JobStatus.FAULTED, nowNanos);
    }

    void abort(String why, long nowNanos) {
        error = why;
        finish(JobStatus.ABORTED, nowNanos);
    }

    private void finish(JobStatus s, long nowNanos) {
        finishedNanos = nowNanos;
        if (!status.compareAndSet(JobStatus.RUNNING, s)) {
            throw new IllegalStateException("job " + id + " finished twice (was " + status.get() + ")");
        }
        done.complete(this);
    }
}
