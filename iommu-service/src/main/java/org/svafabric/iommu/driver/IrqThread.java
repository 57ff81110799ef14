package org.svafabric.iommu.driver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A threaded interrupt handler (Linux {@code devm_request_threaded_irq}): {@link #raise} only marks the line
 * pending and wakes the thread, so the SMMU side never runs driver code; the handler runs on its own thread,
 * one invocation at a time, and interrupts raised while it runs make it run once more.
 */
final class IrqThread implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IrqThread.class);

    private final AtomicBoolean pending = new AtomicBoolean();
    private final Runnable handler;
    private final Thread thread;
    private volatile boolean running = true;

    IrqThread(String name, Runnable handler) {
        this.handler = handler;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    void raise() {
        if (!pending.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (running) {
            if (!pending.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            try {
                handler.run();
            } catch (RuntimeException e) {
                // A failing handler must not take the interrupt line down with it; the next interrupt retries.
                log.error("{} handler failed", thread.getName(), e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
