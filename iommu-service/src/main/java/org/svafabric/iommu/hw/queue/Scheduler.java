package org.svafabric.iommu.hw.queue;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: the ATC-invalidation timeout of CMD_SYNC and the stall watchdog. An interface
 * so that tests fire timeouts by hand instead of waiting for a clock.
 */
@FunctionalInterface
public interface Scheduler {

    /** A scheduled task that has not run yet can be cancelled; cancelling a task that ran does nothing. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    Cancellable schedule(Duration delay, Runnable task);

    static Scheduler of(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
