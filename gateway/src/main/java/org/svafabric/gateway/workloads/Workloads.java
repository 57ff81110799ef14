package org.svafabric.gateway.workloads;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workloads of every caller: accepted (checked, persisted QUEUED), run by a bounded pool of
 * runners ({@code fabric.workloads.running} at once, each with its own {@code concurrency}
 * slot threads), cancelled, and kept with their reports. A workload belongs to the uid that
 * submitted it; to any other (but admin) it does not exist.
 */
@Service
public class Workloads implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(Workloads.class);
    /** Lenient reading: a report stored by an earlier version keeps what it has. */
    private static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private record Active(WorkloadRun run, WorkloadStats stats, WorkloadPlan plan) {
    }

    private final WorkloadRepository repo;
    private final WorkloadFabric fabric;
    private final WorkloadLimits limits;
    private final ThreadPoolExecutor runners;
    private final WorkloadMeters meters;
    private final Map<String, Active> active = new ConcurrentHashMap<>();

    public Workloads(WorkloadRepository repo, WorkloadFabric fabric, WorkloadLimits limits, WorkloadMeters meters) {
        this.repo = repo;
        this.meters = meters;
        meters.active(active::size);
        this.fabric = fabric;
        this.limits = limits;
        AtomicInteger n = new AtomicInteger();
        this.runners = new ThreadPoolExecutor(limits.running(), limits.running(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queued()), r -> {
                    Thread t = new Thread(r, "workload-runner-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * A workload that was QUEUED or RUNNING when the gateway stopped cannot be resumed: its runner
     * is gone. What it still held (persisted as it was created) is torn down now, last created
     * first, and it ends FAILED, saying so. (A clean stop cancels and tears down first, see destroy.)
     */
    @EventListener(ApplicationReadyEvent.class)
    public void failInterrupted() {
        for (WorkloadEntity w : repo.findByStatusIn(List.of(WorkloadStatus.QUEUED.name(), WorkloadStatus.RUNNING.name()))) {
            if (active.containsKey(w.getId())) {
                continue;
            }
            List<String> left = WorkloadRecovery.undo(fabric, w.getUid(), w.getResources());
            w.holds(null);
            w.ended(WorkloadStatus.FAILED, w.getReport(), "the gateway stopped while the workload was " + w.getStatus()
                    + (left.isEmpty() ? "; what it held was torn down when the gateway started again"
                    : "; tearing down what it held failed: " + String.join("; ", left)));
            repo.save(w);
        }
    }

    private void holds(String id, List<Teardown.Resource> resources) {
        repo.findById(id).ifPresent(w -> {
            w.holds(resources.isEmpty() ? null : JSON.writeValueAsString(resources));
            repo.save(w);
        });
    }

    public WorkloadEntity submit(Caller caller, WorkloadRequest request) {
        WorkloadPlan plan = new WorkloadValidator(limits, fabric).check(request);
        String id = UUID.randomUUID().toString();
        WorkloadEntity w = repo.save(new WorkloadEntity(id, caller.uid(), JSON.writeValueAsString(request)));
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun run = new WorkloadRun(id.substring(0, 8), plan, caller, fabric, stats, held -> holds(id, held));
        active.put(id, new Active(run, stats, plan));
        try {
            runners.execute(() -> execute(id, run, stats, plan));
        } catch (RejectedExecutionException e) {
            active.remove(id);
            repo.deleteById(id);
            throw new ErrnoException(Errno.EAGAIN, "workloads-busy", limits.running() + " workloads are running and "
                    + limits.queued() + " are queued; try again when one has ended");
        }
        return w;
    }

    private void execute(String id, WorkloadRun run, WorkloadStats stats, WorkloadPlan plan) {
        try {
            WorkloadEntity w = repo.findById(id).orElseThrow();
            if (run.cancelled()) {
                w.ended(WorkloadStatus.CANCELLED, null, null);
                repo.save(w);
                meters.ended(WorkloadStatus.CANCELLED, plan, stats);
                return;
            }
            w.started();
            repo.save(w);
            WorkloadRun.Outcome o = run.run();
            String report = stats.timedPartStarted()
                    ? JSON.writeValueAsString(ReportBuilder.build(stats, o.invalidations(), o.reclaimedPages(), o.smmus())) : null;
            w = repo.findById(id).orElseThrow();
            w.ended(WorkloadStatus.valueOf(o.end().name()), report, o.failure());
            repo.save(w);
            meters.ended(w.getStatus(), plan, stats);
        } catch (RuntimeException e) {
            log.error("workload {} could not be recorded", id, e);
        } finally {
            active.remove(id);
        }
    }

    public WorkloadEntity get(Caller caller, String id) {
        WorkloadEntity w = repo.findById(id).orElse(null);
        if (w == null || !caller.owns(w.getUid())) {
            throw new ErrnoException(Errno.ENOENT, "no-such-workload", "no workload " + id);
        }
        return w;
    }

    /** The workload as GET /workloads/{id} answers: progress while it runs, the report once it ended. */
    public WorkloadView view(WorkloadEntity w) {
        Active a = active.get(w.getId());
        WorkloadReport.Progress progress = a != null && !w.getStatus().ended() ? ReportBuilder.progress(a.stats()) : null;
        return new WorkloadView(w.getId(), w.getStatus(), JSON.readValue(w.getRequest(), WorkloadRequest.class), w.getCreated(),
                w.getStarted(), w.getFinished(), progress,
                w.getReport() == null ? null : JSON.readValue(w.getReport(), WorkloadReport.class), w.getFailure());
    }

    public WorkloadView view(Caller caller, String id) {
        return view(get(caller, id));
    }

    /** DELETE: jobs in flight finish, no new one starts, everything the workload created is torn down. */
    public WorkloadView cancel(Caller caller, String id) {
        WorkloadEntity w = get(caller, id);
        Active a = active.get(id);
        if (a != null) {
            a.run().cancel();
        }
        return view(w);
    }

    public Page<WorkloadEntity> list(Caller caller, int page, int size) {
        PageRequest p = PageRequest.of(page, size);
        return caller.isAdmin() ? repo.findAllByOrderByCreatedAsc(p) : repo.findByUidOrderByCreatedAsc(caller.uid(), p);
    }

    /** The gateway stops: running workloads are cancelled and torn down (bounded), queued ones end CANCELLED. */
    @Override
    public void destroy() throws InterruptedException {
        active.values().forEach(a -> a.run().cancel());
        runners.shutdown();
        if (!runners.awaitTermination(60, TimeUnit.SECONDS)) {
            log.warn("workloads still tearing down after 60 s: {}", active.keySet());
            runners.shutdownNow();
        }
    }
}
