package org.svafabric.device.pcie;

import org.svafabric.api.wire.PrgResponseCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.timing.DmaEvent.FaultKinds;
import org.svafabric.device.engine.FaultCounters;
import org.svafabric.device.engine.JobRecorder;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.iommu.PageRequest;

/**
 * A PCIe function's Page Request Interface: sends page-request groups and matches PRG
 * Responses to them.
 *
 * <p>Invariants, all under {@code lock}: the page requests of the groups awaiting a response
 * never exceed the Outstanding Page Request Allocation; a PRG index names at most one
 * outstanding group; a group's credits return exactly once (its response, or the device giving
 * up on it). A response for no outstanding group sets Status.UPRGI and is otherwise ignored; a
 * Response Failure sets Status.RF and the function sends no page request until software
 * re-enables PRI. What happens is told to a {@link PriListener} (the tracepoints), which counts and logs it.
 */
public final class PageRequestInterface {
    /** PRG Index is a 9-bit field of the Page Request Message. */
    public static final int PRG_INDEXES = 512;

    /** How a request for pages ended; {@code group} names the pages of the failing group. */
    public record Result(Outcome outcome, List<Long> group) {
        public static final Result SUCCESS = new Result(Outcome.SUCCESS, List.of());
    }

    public enum Outcome {
        SUCCESS, INVALID, FAILURE,
        /** PRI is not enabled, or disabled by an earlier Response Failure: nothing was sent. */
        DISABLED,
        /** No PRG Response came in time; the device gave up on the group. */
        TIMEOUT,
        /**
         * The job was asked to stop (mm_exit stopping its PASID) before the rest of the pages were asked for: the
         * function issues no new page request for a PASID it is stopping (PCIe "Stopping a PASID"); the groups
         * already sent were waited for.
         */
        STOPPED
    }

    /**
     * A PRG Response as the device took it: its code, what the SMMU side said handle_mm_fault took, and when it
     * arrived ({@link System#nanoTime}): a group's round trip ends there, not when its sender next looks.
     */
    private record Answer(PrgResponseCode code, FaultKinds kinds, long arrivedNanos) {
    }

    /** {@code response} completes with null when the device gives up on the group. */
    private record Group(int index, Integer pasid, List<Long> pages, CompletableFuture<Answer> response,
                         long sentNanos) {
    }

    /** What {@link #reserve} answers once the job is stopping: no group, and none will be sent. */
    private static final Group STOP = new Group(-1, null, List.of(), null, 0);

    /** How the last group of each PRG index ended, for the audit's "answered exactly once". */
    private enum Closed { NONE, RESPONSE, GAVE_UP }

    private final int sid;
    private final PriCapability cap;
    private final IommuPort port;
    private final PriListener trace;
    private final Duration responseTimeout;
    /** The most page requests one group carries (0: the allocation): smaller groups keep several in flight. */
    private final int groupPages;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Integer, Group> pending = new HashMap<>();
    private int outstanding;
    private int maxOutstanding;
    /** Guarded by {@code lock}. */
    private final Closed[] closed = new Closed[PRG_INDEXES];
    /** Guarded by {@code lock}: responses to a group that already had its response. */
    private long answeredTwice;
    private int lastAnsweredTwice = -1;
    private int nextIndex;

    public PageRequestInterface(int sid, PriCapability cap, IommuPort port, PriListener trace, Duration responseTimeout) {
        this(sid, cap, port, trace, responseTimeout, 0);
    }

    /** {@code groupPages}: the most page requests in one group (0: the whole allocation). */
    public PageRequestInterface(int sid, PriCapability cap, IommuPort port, PriListener trace, Duration responseTimeout,
                                int groupPages) {
        this.groupPages = groupPages;
        this.sid = sid;
        this.cap = cap;
        this.port = port;
        this.trace = trace;
        this.responseTimeout = responseTimeout;
    }

    /**
     * Asks for {@code pages} (in order) with as many groups as the allocation (and the group size)
     * requires, each with Last on its final request, sending each as soon as its credits are free,
     * and waits for every group's response. Blocks while the allocation is used up by other groups.
     */
    public Result request(Integer pasid, List<Long> pages, boolean write, boolean exec, boolean priv, FaultCounters counters) {
        return request(pasid, pages, write, exec, priv, counters, null);
    }

    /**
     * The same, recording the groups for the job's model clock ({@code recorder} may be null): one
     * {@link DmaEvent.PageRequests} with each group's pages and fault kinds, and each group's wall-clock
     * round trip from sending it to its response.
     */
    public Result request(Integer pasid, List<Long> pages, boolean write, boolean exec, boolean priv, FaultCounters counters,
                          JobRecorder recorder) {
        return request(pasid, pages, write, exec, priv, counters, recorder, () -> false);
    }

    /**
     * The same for a job that may be asked to stop: {@code stopping} is checked before each group, and once it is
     * true no further group is sent (the outcome is {@link Outcome#STOPPED} if the groups sent succeeded).
     */
    public Result request(Integer pasid, List<Long> pages, boolean write, boolean exec, boolean priv, FaultCounters counters,
                          JobRecorder recorder, BooleanSupplier stopping) {
        List<Group> sent = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        Outcome refused = null;
        int i = 0;
        while (i < pages.size()) {
            Group g = reserve(pasid, pages.subList(i, pages.size()), stopping);
            if (g == STOP) {
                refused = Outcome.STOPPED;
                break;
            }
            if (g == null) {
                refused = Outcome.DISABLED;
                break;
            }
            List<PageRequest> messages = new ArrayList<>(g.pages().size());
            for (int p = 0; p < g.pages().size(); p++) {
                messages.add(new PageRequest(g.index(), p == g.pages().size() - 1, true, write, exec, priv, g.pages().get(p)));
            }
            try {
                sentAt.add(System.nanoTime());
                port.pageRequests(sid, pasid, messages);
            } catch (RuntimeException e) {
                abandon(g);
                throw e;
            }
            counters.countPageRequests(messages.size());
            counters.countGroup();
            trace.groupSent(pasid, g.index(), g.pages(), write);
            sent.add(g);
            i += g.pages().size();
        }
        // Every group sent is waited for, even after a failure: its requests are outstanding until answered.
        Result result = null;
        List<DmaEvent.PrgGroup> priced = new ArrayList<>(sent.size());
        for (int k = 0; k < sent.size(); k++) {
            Group g = sent.get(k);
            Answer a = await(g);
            Outcome o = outcome(a);
            if (recorder != null && a != null) {
                // From the Page Request to its PRG Response. The sender sends every group it has credits for before
                // it waits, so "now" would add the later groups' sends to the first ones' round trips.
                recorder.prgRoundTrip(a.arrivedNanos() - sentAt.get(k));
            }
            priced.add(new DmaEvent.PrgGroup(g.pages().size(), a == null ? FaultKinds.NONE : a.kinds()));
            if (o != Outcome.SUCCESS && result == null) {
                result = new Result(o, g.pages());
            }
        }
        if (recorder != null && !priced.isEmpty()) {
            recorder.record(new DmaEvent.PageRequests(priced, (int) Math.min(Integer.MAX_VALUE, allocation())));
        }
        if (result != null) {
            return result;
        }
        return refused == null ? Result.SUCCESS : new Result(refused, pages);
    }

    /**
     * Takes credits and a free PRG index for the next group (at most the allocation's worth of
     * pages), waiting for other groups' responses if needed; null when PRI may not send, {@link #STOP} once
     * {@code stopping} (checked again after every wait: credits freed by a response must not start a new group).
     */
    private Group reserve(Integer pasid, List<Long> rest, BooleanSupplier stopping) {
        lock.lock();
        try {
            while (true) {
                if (!cap.mayRequest()) {
                    return null;
                }
                if (stopping.getAsBoolean()) {
                    return STOP;
                }
                long most = groupPages > 0 ? Math.min(groupPages, cap.allocation()) : cap.allocation();
                int k = (int) Math.min(rest.size(), most);
                if (outstanding + k <= cap.allocation() && pending.size() < PRG_INDEXES) {
                    int index = freeIndex();
                    Group g = new Group(index, pasid, List.copyOf(rest.subList(0, k)), new CompletableFuture<>(),
                            System.nanoTime());
                    closed[index] = Closed.NONE;
                    pending.put(index, g);
                    outstanding += k;
                    maxOutstanding = Math.max(maxOutstanding, outstanding);
                    return g;
                }
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private int freeIndex() {
        while (pending.containsKey(nextIndex)) {
            nextIndex = (nextIndex + 1) % PRG_INDEXES;
        }
        int index = nextIndex;
        nextIndex = (nextIndex + 1) % PRG_INDEXES;
        return index;
    }

    private static Outcome outcome(Answer a) {
        if (a == null) {
            return Outcome.TIMEOUT;
        }
        return switch (a.code()) {
            case SUCCESS -> Outcome.SUCCESS;
            case INVALID -> Outcome.INVALID;
            case FAILURE -> Outcome.FAILURE;
        };
    }

    /** The group's answer, or null when none came in time (the device gave up on it). */
    private Answer await(Group g) {
        Answer code;
        try {
            code = g.response().get(responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (abandon(g)) {
                trace.timedOut(g.pasid(), g.index(), g.pages().get(0), responseTimeout);
            }
            code = g.response().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(g);
            code = g.response().join();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return code;
    }

    /**
     * The device gives up on a group: its credits return and its waiter sees no response
     * (null), unless the response already took it.
     */
    private boolean abandon(Group g) {
        lock.lock();
        try {
            if (!pending.remove(g.index(), g)) {
                return false;
            }
            closed[g.index()] = Closed.GAVE_UP;
            outstanding -= g.pages().size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        g.response().complete(null);
        return true;
    }

    /**
     * A PRG Response Message. Returns false (and sets Status.UPRGI) when no outstanding group
     * has that index, or the PASID does not match the group's.
     */
    public boolean respond(int prgIndex, Integer pasid, PrgResponseCode code) {
        return respond(prgIndex, pasid, code, FaultKinds.NONE);
    }

    /** The same, with what handle_mm_fault took for the group (telemetry for the model clock, not part of the message). */
    public boolean respond(int prgIndex, Integer pasid, PrgResponseCode code, FaultKinds kinds) {
        Group g;
        lock.lock();
        try {
            g = pending.get(prgIndex);
            if (g == null && closed[prgIndex] == Closed.RESPONSE) {
                // A late answer after a timeout is the device's own report; a second answer to one that had its
                // response breaks "every page request answered exactly once".
                answeredTwice++;
                lastAnsweredTwice = prgIndex;
            }
            if (g == null || !pasidMatches(g, pasid)) {
                cap.recordUnexpectedPrgIndex();
                trace.unexpectedResponse(prgIndex, pasid);
                return false;
            }
            pending.remove(prgIndex);
            closed[prgIndex] = Closed.RESPONSE;
            outstanding -= g.pages().size();
            if (code == PrgResponseCode.FAILURE) {
                cap.recordResponseFailure();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long arrived = System.nanoTime();
        trace.responded(g.pasid(), prgIndex, g.pages().get(0), code);
        g.response().complete(new Answer(code, kinds == null ? FaultKinds.NONE : kinds, arrived));
        return true;
    }

    private boolean pasidMatches(Group g, Integer pasid) {
        if (pasid == null) {
            return g.pasid() == null || !cap.prgResponsePasidRequired();
        }
        return Objects.equals(g.pasid(), pasid);
    }

    /**
     * PASID stop: waits until no group of {@code pasid} awaits a response; after the timeout the
     * device gives up on the rest. Returns the number of groups given up.
     */
    public int quiesce(int pasid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (hasPending(pasid)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            List<Group> left = pending.values().stream().filter(g -> Objects.equals(g.pasid(), pasid)).toList();
            left.forEach(this::abandon);
            return left.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The PCIe Stop Marker: a page request with the PASID, L = 1 and R = W = 0, telling the host that the
     * function sent its last page request for the PASID (PCIe "Stopping a PASID"; the v1 series'
     * iommu_fault_handle_single treats it as HANDLED and answers nothing). It takes no page request credit and
     * no response comes for it, so it holds no PRG index either (its index field says 0). Not sent while PRI
     * may not send (disabled, or after a Response Failure). Returns whether it went out.
     */
    public boolean stopMarker(int pasid) {
        lock.lock();
        try {
            if (!cap.mayRequest()) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        port.pageRequests(sid, pasid, List.of(new PageRequest(0, true, false, false, false, false, 0)));
        trace.stopMarkerSent(pasid);
        return true;
    }

    private boolean hasPending(int pasid) {
        return pending.values().stream().anyMatch(g -> Objects.equals(g.pasid(), pasid));
    }

    /** Software enables PRI with an allocation; this also clears a Response Failure. */
    /**
     * The audit's findings on this interface: a group outstanding for longer than twice the response timeout
     * (neither answered nor timed out and reported), and responses to groups that already had theirs.
     */
    public List<AuditFinding> audit(String device) {
        List<AuditFinding> out = new ArrayList<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            long limit = Math.max(responseTimeout.toNanos(), TimeUnit.SECONDS.toNanos(1)) * 2;
            for (Group g : pending.values()) {
                long age = now - g.sentNanos();
                if (age > limit) {
                    out.add(new AuditFinding(AuditFinding.PAGE_REQUEST_UNANSWERED, "device-service",
                            "device " + device + " PRG index " + g.index() + (g.pasid() == null ? "" : " PASID " + g.pasid()),
                            "page request group outstanding for " + TimeUnit.NANOSECONDS.toMillis(age)
                                    + " ms: neither answered nor timed out and reported"));
                }
            }
            if (answeredTwice > 0) {
                out.add(new AuditFinding(AuditFinding.PAGE_REQUEST_ANSWERED_TWICE, "device-service",
                        "device " + device + " PRG index " + lastAnsweredTwice,
                        answeredTwice + " PRG response(s) came for a group that had already been answered"));
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    /**
     * The SMMU that was to answer went away (it was reset, or RAM rebooted under it): no response will come
     * for the groups outstanding, so the function gives up on each at once rather than after the response
     * timeout; their waiters see no response. Returns the groups given up.
     */
    public int abandonAll() {
        List<Group> gone;
        lock.lock();
        try {
            gone = List.copyOf(pending.values());
        } finally {
            lock.unlock();
        }
        int n = 0;
        for (Group g : gone) {
            n += abandon(g) ? 1 : 0;
        }
        return n;
    }

    public void enable(long allocation) {
        lock.lock();
        try {
            cap.enable(allocation);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void disable() {
        lock.lock();
        try {
            cap.disable();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int outstanding() {
        lock.lock();
        try {
            return outstanding;
        } finally {
            lock.unlock();
        }
    }

    /** The most page requests ever outstanding at once (never above the allocation). */
    public int maxOutstanding() {
        lock.lock();
        try {
            return maxOutstanding;
        } finally {
            lock.unlock();
        }
    }

    public boolean enabled() {
        lock.lock();
        try {
            return cap.enabled();
        } finally {
            lock.unlock();
        }
    }

    public boolean responseFailure() {
        lock.lock();
        try {
            return cap.responseFailure();
        } finally {
            lock.unlock();
        }
    }

    public long allocation() {
        lock.lock();
        try {
            return cap.allocation();
        } finally {
            lock.unlock();
        }
    }

    public long statusRegister() {
        lock.lock();
        try {
            return cap.statusRegister(outstanding);
        } finally {
            lock.unlock();
        }
    }
}
