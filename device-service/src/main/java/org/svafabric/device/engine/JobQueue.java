package org.svafabric.device.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * A device's job queue and the engines that work it. Like the TestEngine's frames, a job holds
 * one of {@code depth} slots from submission until it reaches a final state; with every slot
 * taken a submission is refused with EBUSY. {@code engines} threads run jobs in submission order.
 */
public final class JobQueue implements AutoCloseable {
    private final String device;
    private final int depth;
    private final Semaphore slots;
    private final BlockingQueue<Job> queued = new LinkedBlockingQueue<>();
    /** Every job submitted and not yet final, queued or running. */
    private final Set<Job> active = ConcurrentHashMap.newKeySet();
    private final List<Thread> engines = new ArrayList<>();
    private final Consumer<Job> runner;

    public JobQueue(String device, int depth, int engineCount, Consumer<Job> runner) {
        this.device = device;
        this.depth = depth;
        this.slots = new Semaphore(depth);
        this.runner = runner;
        for (int i = 0; i < engineCount; i++) {
            Thread t = new Thread(this::work, device + "-engine-" + i);
            t.setDaemon(true);
            engines.add(t);
        }
    }

    public void start() {
        engines.forEach(Thread::start);
    }

    public int depth() {
        return depth;
    }

    public int engines() {
        return engines.size();
    }

    /** Queues the job, or refuses it with EBUSY when every slot is taken. */
    public void submit(Job job) {
        if (!slots.tryAcquire()) {
            throw new ErrnoException(Errno.EBUSY, "job-queue-full",
                    "device " + device + " has " + depth + " jobs in flight: its job queue is full");
        }
        active.add(job);
        job.done().whenComplete((j, e) -> {
            active.remove(job);
            slots.release();
        });
        queued.add(job);
    }

    /** The unfinished jobs (queued or running) that match. */
    public List<Job> active(Predicate<Job> which) {
        List<Job> out = new ArrayList<>();
        for (Job j : active) {
            if (which.test(j)) {
                out.add(j);
            }
        }
        return out;
    }

    /** Drops an aborted job from the queue so it holds no memory until an engine would reach it. */
    public void forget(Job job) {
        queued.remove(job);
    }

    private void work() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                runner.accept(queued.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        engines.forEach(Thread::interrupt);
    }
}
