package org.svafabric.iommu.hw.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.svafabric.iommu.hw.queue.Scheduler;

/** A scheduler whose clock moves only when the test says so: timeouts fire deterministically. */
public final class ManualScheduler implements Scheduler {
    private final List<Task> tasks = new ArrayList<>();
    private Duration now = Duration.ZERO;

    private final class Task implements Cancellable {
        final Duration due;
        final Runnable action;
        boolean cancelled;

        Task(Duration due, Runnable action) {
            this.due = due;
            this.action = action;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now.plus(delay), task);
        tasks.add(t);
        return t;
    }

    /** Moves the clock and runs (outside the lock) every task that fell due and was not cancelled. */
    public void advance(Duration by) {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            now = now.plus(by);
            for (Task t : tasks) {
                if (!t.cancelled && t.due.compareTo(now) <= 0) {
                    due.add(t);
                }
            }
            tasks.removeAll(due);
            tasks.removeIf(t -> t.cancelled);
        }
        due.sort(Comparator.comparing(t -> t.due));
        due.forEach(t -> t.action.run());
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized long pending() {
        return tasks.stream().filter(t -> !t.cancelled).count();
    }
}
