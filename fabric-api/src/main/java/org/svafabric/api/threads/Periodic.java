package org.svafabric.api.threads;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A round run every {@code interval} on one daemon thread of its own, from {@link #start} until {@link #stop}: the
 * background checks of a service (a peer's boot id, a late device-service shard), whose lifecycles delegate here.
 * A round that throws does not end the schedule.
 */
public final class Periodic {
    private final String threadName;
    private final Duration interval;
    private final Runnable round;
    private volatile ScheduledExecutorService timer;

    public Periodic(String threadName, Duration interval, Runnable round) {
        this.threadName = threadName;
        this.interval = interval;
        this.round = round;
    }

    /** Starts the rounds (the first after one interval); a no-op when running or when the interval is not positive. */
    public synchronized void start() {
        if (timer != null || interval.isZero() || interval.isNegative()) {
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
                round.run();
            } catch (RuntimeException e) {
                // the next round tries again; the round itself logs what it needs to
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        timer = t;
    }

    public synchronized void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
        }
    }

    public boolean isRunning() {
        return timer != null;
    }
}
