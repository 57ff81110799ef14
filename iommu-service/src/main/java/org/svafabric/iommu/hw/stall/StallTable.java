package org.svafabric.iommu.hw.stall;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventQueueWritable;
import org.svafabric.iommu.hw.event.EventSink;
import org.svafabric.iommu.hw.queue.Scheduler;

/**
 * The SMMU's stalled transactions (IHI 0070 §3.12.2 "Stall model"). A held transaction is a
 * {@link CompletableFuture} keyed by (StreamID, STAG): no thread waits while software decides.
 *
 * <ul>
 * <li>STAGs are 16 bits, unique among the transactions held for one stream; a value returns to the pool
 * once CMD_RESUME or CMD_STALL_TERM matched it ("a value cannot be re-used until the transaction it was last
 * associated with has been acknowledged").</li>
 * <li>The stall record (STALL = 1, STAG) goes to the event queue, which never discards it. If the queue is
 * not writable, "the stalled transaction is retried as though it had just arrived when the queue is next
 * writable": the STAG is released and the future completes with {@code true} once the queue has room.</li>
 * <li>CMD_RESUME names the transaction by StreamID and STAG; "if this command is issued with a STAG value
 * that does not correspond to any stalled transaction, or if the transaction does not match the given
 * StreamID, this command has no effect" (§4.7.1) — it is counted and ignored.</li>
 * <li>At most {@code stallMax} (IDR5.STALL_MAX) transactions are held. Beyond that the architecture leaves
 * the number "IMPLEMENTATION SPECIFIC" and speaks of backpressure (§3.12.2.3): a further fault waits for a
 * slot and is then retried.</li>
 * <li>A watchdog aborts a transaction nobody resumed within the configured time and counts it. This is a
 * safeguard of the simulation (a lost driver must not hold an HTTP request forever), not architecture.</li>
 * </ul>
 */
public final class StallTable implements StallHold {
    private static final Logger log = LoggerFactory.getLogger(StallTable.class);

    /** One held transaction; exactly one of resume, stall-term, watchdog or retry-on-writable removes it. */
    private static final class Held {
        final int sid;
        final int stag;
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        volatile Scheduler.Cancellable watchdog;

        Held(int sid, int stag) {
            this.sid = sid;
            this.stag = stag;
        }
    }

    private final EventSink events;
    private final EventQueueWritable writable;
    private final Scheduler scheduler;
    private final Duration watchdog;
    private final int stallMax;
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final AtomicInteger nextStag = new AtomicInteger();
    private final ArrayDeque<CompletableFuture<Boolean>> slotWaiters = new ArrayDeque<>();
    private int slotsInUse;
    private final AtomicLong ignoredResumes = new AtomicLong();
    private final AtomicLong watchdogAborts = new AtomicLong();

    public StallTable(EventSink events, EventQueueWritable writable, Scheduler scheduler, Duration watchdog, int stallMax) {
        if (stallMax < 1 || stallMax > 0xffff) {
            throw new IllegalArgumentException("STALL_MAX " + stallMax);
        }
        this.events = events;
        this.writable = writable;
        this.scheduler = scheduler;
        this.watchdog = watchdog;
        this.stallMax = stallMax;
    }

    @Override
    public CompletionStage<Boolean> hold(Event fault) {
        CompletableFuture<Boolean> waitForSlot = reserveSlot();
        if (waitForSlot != null) {
            return waitForSlot;
        }
        Held h = register(fault.sid());
        h.watchdog = scheduler.schedule(watchdog, () -> expire(h));
        if (!events.record(fault.stalled(h.stag)) && release(h)) {
            // Nobody can name this STAG: retry the transaction once the queue can take its record.
            writable.whenWritable().thenRun(() -> h.outcome.complete(true));
        }
        return h.outcome;
    }

    /**
     * CMD_RESUME: completes the transaction held as ({@code sid}, {@code stag}), {@code true} for Retry and
     * {@code false} for either form of termination. Returns false, changing nothing, when no such
     * transaction is held.
     */
    public boolean resume(int sid, int stag, ResumeAction action) {
        Held h = held.get(key(sid, stag));
        if (h == null || !release(h)) {
            ignoredResumes.incrementAndGet();
            return false;
        }
        h.outcome.complete(action == ResumeAction.RETRY);
        return true;
    }

    /** CMD_STALL_TERM: terminates (aborts) every transaction held for {@code sid}; returns how many. */
    public int terminateStream(int sid) {
        return terminateWhere(h -> h.sid == sid);
    }

    /** SMMUEN cleared: every stalled transaction is terminated. */
    public int terminateAll() {
        return terminateWhere(h -> true);
    }

    public int heldCount() {
        return held.size();
    }

    public boolean isHeld(int sid, int stag) {
        return held.containsKey(key(sid, stag));
    }

    public long ignoredResumes() {
        return ignoredResumes.get();
    }

    public long watchdogAborts() {
        return watchdogAborts.get();
    }

    private int terminateWhere(Predicate<Held> which) {
        List<Held> victims = new ArrayList<>();
        for (Held h : held.values()) {
            if (which.test(h) && release(h)) {
                victims.add(h);
            }
        }
        victims.forEach(h -> h.outcome.complete(false));
        return victims.size();
    }

    private void expire(Held h) {
        if (release(h)) {
            watchdogAborts.incrementAndGet();
            log.warn("stall watchdog: aborted SID 0x{} STAG 0x{} after {} without CMD_RESUME",
                    Integer.toHexString(h.sid), Integer.toHexString(h.stag), watchdog);
            h.outcome.complete(false);
        }
    }

    /** Picks a STAG free for this stream; a free one exists because the table holds fewer than 2^16. */
    private Held register(int sid) {
        while (true) {
            int stag = nextStag.getAndIncrement() & 0xffff;
            Held h = new Held(sid, stag);
            if (held.putIfAbsent(key(sid, stag), h) == null) {
                return h;
            }
        }
    }

    /** Removes {@code h} if it is still held; true for exactly one caller. Frees its slot. */
    private boolean release(Held h) {
        if (!held.remove(key(h.sid, h.stag), h)) {
            return false;
        }
        Scheduler.Cancellable w = h.watchdog;
        if (w != null) {
            w.cancel();
        }
        CompletableFuture<Boolean> waiter;
        synchronized (slotWaiters) {
            slotsInUse--;
            waiter = slotWaiters.poll();
        }
        if (waiter != null) {
            waiter.complete(true);
        }
        return true;
    }

    /** Null when a slot was taken; otherwise a future that completes with Retry when one frees. */
    private CompletableFuture<Boolean> reserveSlot() {
        synchronized (slotWaiters) {
            if (slotsInUse < stallMax) {
                slotsInUse++;
                return null;
            }
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            slotWaiters.add(f);
            return f;
        }
    }

    private static long key(int sid, int stag) {
        return (Integer.toUnsignedLong(sid) << 16) | stag;
    }
}
