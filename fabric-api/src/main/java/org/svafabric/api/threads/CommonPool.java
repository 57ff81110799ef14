package org.svafabric.api.threads;

import java.util.concurrent.ForkJoinPool;

/**
 * The JVM's common pool sized so that {@code CompletableFuture}'s default executor is that pool. With a
 * parallelism of 1 — the JDK's choice on a 2-core machine — {@code CompletableFuture} runs every async stage
 * on a new thread, and the JDK {@code HttpClient} hands each completed {@code sendAsync} to that executor: one
 * thread started per service call (JFR under PerfBenchmark: about 120 a second during a warm memcpy, on top of
 * the request work). Called first thing by each service's entry point, before anything touches the pool.
 */
public final class CommonPool {
    public static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private CommonPool() {
    }

    /** Sets the common pool's parallelism to at least 2, unless the command line chose one. */
    public static void ensureParallel() {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(PARALLELISM, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** Whether it took effect: false when something used the pool before {@link #ensureParallel} ran. */
    public static boolean isParallel() {
        return ForkJoinPool.getCommonPoolParallelism() > 1;
    }
}
