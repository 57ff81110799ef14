package org.svafabric.api.threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools of daemon threads, so that nothing a service starts for its own work keeps a JVM alive. */
public final class DaemonPool {
    private DaemonPool() {
    }

    /** A cached pool of daemon threads named {@code name-N}, idle ones retired after 30 s. */
    public static ExecutorService cached(String name) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
