package org.svafabric.gateway.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

/**
 * Runs a view's independent backend calls at once, so a view that reads several services costs the slowest
 * call rather than the sum of them (GET /devices, GET /fabric). The calls are the same calls, each to the
 * service that holds the state; only their order is gone, and none of these views depended on it.
 *
 * <p>Pool threads are started on demand and die when idle; when every one is busy the caller's thread makes the
 * call itself, so a burst degrades to sequential calls instead of queueing or failing.
 */
@Component
public class FanOut implements AutoCloseable {
    private static final int MAX_THREADS = 64;

    private final ThreadPoolExecutor pool;

    public FanOut() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "gateway-fanout-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Starts {@code call} now; {@link #join} gives its value or rethrows what it threw. */
    public <T> CompletableFuture<T> start(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, pool);
    }

    /** The call's value; its RuntimeException (or Error) as thrown, not wrapped. */
    public static <T> T join(CompletableFuture<T> call) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a backend call", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
