package org.svafabric.iommu.hw.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventQueueWritable;
import org.svafabric.iommu.hw.layout.EventRecord;
import org.svafabric.iommu.hw.event.EventSink;
import org.svafabric.iommu.hw.layout.Gerror;

/**
 * The event queue, SMMU side: records 32-byte {@link EventRecord}s at PROD from any number of faulting
 * threads. The rules of IHI 0070 §7.4 "Event queue overflow":
 * <ul>
 * <li>a record that meets a full queue is discarded, PROD.OVFLG toggles if no overflow is already present,
 * and the loss is counted; an unacknowledged overflow does not stop later records once there is room;</li>
 * <li>"a fault record from a stalled transaction is not discarded ... stall fault records do not cause an
 * overflow condition": {@link #record} refuses it instead, and the stall table retries the transaction
 * {@link #whenWritable() when the queue is next writable} (§3.12.2);</li>
 * <li>with EVENTQEN == 0 records are not delivered and cause no overflow.</li>
 * </ul>
 * A bus abort on a record write raises GERROR.EVTQ_ABT_ERR; no records are written while it is active
 * (§7.2.2). The EVTQ interrupt is raised after PROD moves, outside the lock.
 */
public final class EventQueue implements EventSink, EventQueueWritable {
    private static final Logger log = LoggerFactory.getLogger(EventQueue.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final OutputQueue queue;
    private final GlobalErrors gerror;
    private final Irq irq;
    private final List<CompletableFuture<Void>> writableWaiters = new ArrayList<>();
    private long lost;
    private long droppedWhileDisabled;
    /** Fault injection: whether the queue behaves as full for the next non-stall record. */
    private BooleanSupplier forcedFull = () -> false;

    /** @param eventqs IDR1.EVENTQS, the largest LOG2SIZE the queue honours */
    public EventQueue(MemoryBus bus, GlobalErrors gerror, Irq irq, int eventqs) {
        this.queue = new OutputQueue(bus, EventRecord.BYTES, eventqs);
        this.gerror = gerror;
        this.irq = irq;
        gerror.onAcknowledge(error -> {
            if (error.equals(Gerror.EVTQ_ABT_ERR)) {
                wakeWritableWaiters();
            }
        });
    }

    /**
     * Installs the {@code evtq-overflow} fault's hook: a non-stall record for which it answers true
     * meets the queue as if it were full (discarded, overflow flagged); the EVTQ interrupt is raised
     * so that the driver sees OVFLG. Stall records are never discarded, so the hook is not asked.
     */
    public void overflowWhen(BooleanSupplier forcedFull) {
        locked(() -> this.forcedFull = forcedFull);
    }

    public void configure(QueueBase base) {
        locked(() -> queue.configure(base));
    }

    /** CR0.EVENTQEN. */
    public void setEnabled(boolean enabled) {
        locked(() -> queue.setEnabled(enabled));
        wakeWritableWaiters();
    }

    public int readProd() {
        return read(() -> queue.prod());
    }

    public int readCons() {
        return read(() -> queue.cons());
    }

    /** Software's EVENTQ_PROD write, for initialisation while disabled. */
    public void writeProd(int value) {
        locked(() -> queue.writeProd(value));
    }

    /** Software's EVENTQ_CONS write: frees entries (waking stalled transactions waiting for room) and acknowledges overflow. */
    public void writeCons(int value) {
        locked(() -> queue.writeCons(value));
        wakeWritableWaiters();
    }

    /** Records discarded because the queue was full (what the overflow flag reports, counted). */
    public long lostEvents() {
        return read(() -> lost);
    }

    /** Non-stall records not delivered because EVENTQEN was 0 or an abort was active (no overflow). */
    public long droppedWhileDisabled() {
        return read(() -> droppedWhileDisabled);
    }

    @Override
    public boolean record(Event event) {
        long[] entry = EventRecord.encode(event);
        boolean forcedOverflow = false;
        lock.lock();
        try {
            if (!event.stall() && writable() && forcedFull.getAsBoolean()) {
                lost++;
                queue.signalOverflow();
                forcedOverflow = true;
                return false;
            }
            if (!writable()) {
                if (!event.stall()) {
                    countDiscard();
                }
                return false;
            }
            queue.push(entry);
        } catch (RuntimeException busFault) {
            log.warn("event queue write aborted at PROD 0x{}: {}", Integer.toHexString(queue.prod()), busFault.toString());
            gerror.raise(Gerror.EVTQ_ABT_ERR);
            return false;
        } finally {
            lock.unlock();
            if (forcedOverflow) {
                irq.raise();
            }
        }
        irq.raise();
        return true;
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        lock.lock();
        try {
            if (writable()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            writableWaiters.add(f);
            return f;
        } finally {
            lock.unlock();
        }
    }

    private boolean writable() {
        return queue.enabled() && !queue.isFull() && !gerror.isActive(Gerror.EVTQ_ABT_ERR);
    }

    private void countDiscard() {
        if (queue.enabled() && queue.isFull()) {
            lost++;
            queue.signalOverflow();
        } else {
            droppedWhileDisabled++;
        }
    }

    /** Completes every waiter once the queue is writable; they retry and may find it full again, then wait again. */
    private void wakeWritableWaiters() {
        List<CompletableFuture<Void>> ready;
        lock.lock();
        try {
            if (!writable() || writableWaiters.isEmpty()) {
                return;
            }
            ready = new ArrayList<>(writableWaiters);
            writableWaiters.clear();
        } finally {
            lock.unlock();
        }
        ready.forEach(f -> f.complete(null));
    }

    private <T> T read(Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }
}
