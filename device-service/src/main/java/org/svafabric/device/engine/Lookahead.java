package org.svafabric.device.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine translating ahead of its data: while segment k moves, the next {@code window} segments'
 * translations are made present — ATS Translation Requests, and page requests for what is not resident —
 * as a real DMA engine keeps several translations and page-request groups outstanding, up to its PRI
 * allocation, instead of one round trip after another.
 *
 * <p>One segment is translated by exactly one side: the lookahead claims a segment before it starts on
 * it, and the engine claims each segment it reaches; a segment the lookahead holds is waited for, never
 * translated twice (so no page is requested twice). The lookahead only fills the ATC. When translating a
 * segment fails (a PRG Response Invalid Request, Response Failure, a timeout, a broken link), the
 * lookahead stops and the engine meets that failure when it reaches the segment, as if its own access had
 * raised it then: a job ends as it would have without the lookahead, at the same segment, with the same
 * counts. It stops at an abort and ends before the job does ({@link #close}).
 */
final class Lookahead implements AutoCloseable {
    /** The spans of segment {@code k}. */
    interface Segments {
        List<DmaPath.Span> of(int k);
    }

    private static final int FREE = 0;
    private static final int AHEAD = 1;
    private static final int ENGINE = 2;

    private final Job job;
    private final DmaPath path;
    private final Segments segments;
    private final int window;
    private final AtomicIntegerArray owner;
    /** Set before the lookahead claims the segment, so an engine that finds it claimed finds its future. */
    private final AtomicReferenceArray<CompletableFuture<RuntimeException>> translated;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Guarded by {@code lock}: the segment the engine is on; the lookahead stays within {@code window} of it. */
    private int current;
    private boolean closed;

    private Lookahead(Job job, DmaPath path, int count, Segments segments, int window) {
        this.job = job;
        this.path = path;
        this.segments = segments;
        this.window = window;
        this.owner = new AtomicIntegerArray(count);
        this.translated = new AtomicReferenceArray<>(count);
    }

    /** Starts translating ahead of a job of {@code count} segments on {@code threads}; window 0 or one segment: none. */
    static Lookahead start(Job job, DmaPath path, int count, Segments segments, int window, Executor threads) {
        Lookahead l = new Lookahead(job, path, count, segments, window);
        if (window < 1 || count < 2) {
            l.finished.complete(null);
            return l;
        }
        threads.execute(l::run);
        return l;
    }

    /**
     * The engine reaches segment {@code k}: waits if the lookahead is translating it, else takes it. Throws what
     * translating the segment ahead met.
     */
    void reach(int k) {
        lock.lock();
        try {
            current = k;
            moved.signalAll();
        } finally {
            lock.unlock();
        }
        if (!owner.compareAndSet(k, FREE, ENGINE)) {
            RuntimeException failed = translated.get(k).join();
            if (failed != null) {
                throw failed;
            }
        }
    }

    private void run() {
        try {
            for (int k = 1; k < owner.length(); k++) {
                if (!awaitRoom(k)) {
                    return;
                }
                CompletableFuture<RuntimeException> done = new CompletableFuture<>();
                translated.set(k, done);
                if (!owner.compareAndSet(k, FREE, AHEAD)) {
                    continue;
                }
                try {
                    path.prefetch(job, segments.of(k));
                    done.complete(null);
                } catch (RuntimeException | Error e) {
                    done.complete(e instanceof RuntimeException r ? r : new IllegalStateException("translating ahead failed", e));
                    return;
                }
            }
        } finally {
            finished.complete(null);
        }
    }

    /** Waits until segment {@code k} is within the window of the engine; false when the job stops. */
    private boolean awaitRoom(int k) {
        lock.lock();
        try {
            while (!closed && !job.abortRequested() && k > current + window) {
                moved.awaitUninterruptibly();
            }
            return !closed && !job.abortRequested();
        } finally {
            lock.unlock();
        }
    }

    /** Stops translating ahead and returns once the lookahead holds nothing: no page request of it is outstanding. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            moved.signalAll();
        } finally {
            lock.unlock();
        }
        finished.join();
    }
}
