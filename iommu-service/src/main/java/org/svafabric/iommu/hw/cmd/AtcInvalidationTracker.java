package org.svafabric.iommu.hw.cmd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.iommu.hw.queue.Scheduler;

/**
 * The ATS invalidations sent by CMD_ATC_INV whose Invalidation Completion has not arrived. A CMD_SYNC waits
 * for all that were sent before it ({@link #barrier()}); if they have not all completed within the timeout,
 * the SYNC fails with CERROR_ATC_INV_SYNC (IHI 0070 §7.1, "ATS Invalidation Completion timeout") and those
 * invalidations are no longer waited for, so that re-executing the SYNC after the error is acknowledged
 * completes — what Linux relies on when it re-submits the CMD_SYNC "cowardly ignoring the ATC error"
 * ({@code __arm_smmu_cmdq_skip_err}). An endpoint error (e.g. UR) counts as completion without guarantee
 * (§3.9.1.5). Used only by the command-queue consumer, which runs one pass at a time.
 */
public final class AtcInvalidationTracker {
    private final Scheduler scheduler;
    private final Duration timeout;
    private final List<CompletableFuture<Void>> outstanding = new ArrayList<>();
    private final AtomicLong endpointErrors = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    public AtcInvalidationTracker(Scheduler scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    /** Remembers one sent invalidation; an exceptional completion is counted and then treated as done. */
    public void track(CompletionStage<Void> completion) {
        outstanding.removeIf(CompletableFuture::isDone);
        outstanding.add(completion.toCompletableFuture().handle((ok, error) -> {
            if (error != null) {
                endpointErrors.incrementAndGet();
            }
            return null;
        }));
    }

    /**
     * Completes with {@code true} when every invalidation tracked so far has completed, or with
     * {@code false} when the timeout fires first; either way they are no longer tracked.
     */
    public CompletableFuture<Boolean> barrier() {
        List<CompletableFuture<Void>> pending = new ArrayList<>(outstanding);
        outstanding.clear();
        pending.removeIf(CompletableFuture::isDone);
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).thenRun(() -> result.complete(true));
        Scheduler.Cancellable timer = scheduler.schedule(timeout, () -> {
            if (result.complete(false)) {
                timeouts.incrementAndGet();
            }
        });
        result.thenRun(timer::cancel);
        return result;
    }

    /** Invalidations an endpoint answered with an error. */
    public long endpointErrors() {
        return endpointErrors.get();
    }

    /** CMD_SYNCs that gave up waiting. */
    public long timeouts() {
        return timeouts.get();
    }
}
