package org.svafabric.api.threads;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

/**
 * A background check of a service (a peer's boot id, a late device-service shard): {@link #checkNow} every
 * {@code interval} on one daemon thread of its own, from the context's start until its stop. A round that throws
 * does not end the schedule; the next one tries again.
 */
public abstract class PeriodicCheck implements SmartLifecycle {
    private final String threadName;
    private final Duration interval;
    private volatile ScheduledExecutorService timer;

    protected PeriodicCheck(String threadName, Duration interval) {
        this.threadName = threadName;
        this.interval = interval;
    }

    /** One round. */
    public abstract void checkNow();

    /** Whether this service needs the check at all (it is then never started). */
    protected boolean wanted() {
        return true;
    }

    /** A round that threw; the next one tries again. */
    protected void failed(RuntimeException e) {
    }

    /** Starts the rounds, the first after one interval; nothing when running, not wanted, or the interval is not positive. */
    @Override
    public final synchronized void start() {
        if (timer != null || interval.isZero() || interval.isNegative() || !wanted()) {
            return;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, threadName);
            th.setDaemon(true);
            return th;
        });
        long ms = interval.toMillis();
        t.scheduleWithFixedDelay(() -> {
            try {
                checkNow();
            } catch (RuntimeException e) {
                failed(e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        timer = t;
    }

    @Override
    public final synchronized void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
        }
    }

    @Override
    public final boolean isRunning() {
        return timer != null;
    }
}
