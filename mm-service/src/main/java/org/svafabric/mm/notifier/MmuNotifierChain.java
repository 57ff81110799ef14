package org.svafabric.mm.notifier;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.NotifierCallbacks;
import org.svafabric.api.pagetable.Vmsa;

import io.micrometer.core.instrument.Timer;

/**
 * The MMU notifiers of one mm (mmu_notifier_subscriptions). The CPU side calls
 * {@link #invalidateRange} after it changed or cleared descriptors and before it frees or
 * reuses any frame they mapped; it returns only when every subscriber acknowledged, and throws
 * (ETIMEDOUT when one did not answer in time, EBUSY when one refused) so the caller can undo its
 * change: nothing is freed on failure. All subscribers are called in parallel and the wait is
 * bounded by the timeout, so a dead subscriber never hangs the CPU side.
 *
 * <p>A subscriber with Broadcast TLB Maintenance receives the CPU's TLBI first (its SMMU snoops
 * the broadcast, so TLB entries need no command) and then invalidate-range with btm=true, since
 * ATCs in PCIe endpoints are never reached by broadcast TLBIs.
 */
public final class MmuNotifierChain {
    /**
     * Above this many pages the CPU invalidates the whole ASID instead of page by page (arm64's
     * MAX_TLBI_OPS = PTRS_PER_PTE in __flush_tlb_range).
     */
    static final long MAX_TLBI_OPS = Vmsa.ENTRIES_PER_TABLE;

    private final MmuNotifiers shared;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    MmuNotifierChain(MmuNotifiers shared) {
        this.shared = shared;
    }

    public Subscription subscribe(String callbackUrl, boolean btm) {
        Subscription s = new Subscription(shared.nextId(), MmuNotifiers.checkCallbackUrl(callbackUrl), btm);
        subscriptions.add(s);
        return s;
    }

    public boolean unsubscribe(long id) {
        return subscriptions.removeIf(s -> s.id() == id);
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** invalidate_range(start, end): every subscriber acknowledged, or an ErrnoException. */
    public void invalidateRange(long pid, int asid, long start, long end, String reason) {
        if (subscriptions.isEmpty()) {
            return;
        }
        List<Call> calls = new ArrayList<>();
        for (Subscription s : subscriptions) {
            if (s.btm()) {
                long pages = (end - start) >>> Vmsa.PAGE_SHIFT;
                NotifierCallbacks.Tlbi tlbi = pages >= MAX_TLBI_OPS
                        ? new NotifierCallbacks.Tlbi(asid, null, null)
                        : new NotifierCallbacks.Tlbi(asid, Addr.of(start), pages);
                NotifierCallbacks.InvalidateRange inv = new NotifierCallbacks.InvalidateRange(pid, asid, Addr.of(start), Addr.of(end), reason, true);
                calls.add(new Call(s, "tlbi+invalidate-range", post(s, NotifierCallbacks.TLBI, tlbi, shared.timeout())
                        .thenCompose(v -> post(s, NotifierCallbacks.INVALIDATE_RANGE, inv, shared.timeout()))));
            } else {
                NotifierCallbacks.InvalidateRange inv = new NotifierCallbacks.InvalidateRange(pid, asid, Addr.of(start), Addr.of(end), reason, null);
                calls.add(new Call(s, "invalidate-range", post(s, NotifierCallbacks.INVALIDATE_RANGE, inv, shared.timeout())));
            }
        }
        // Each call is bounded by the timeout (a BTM subscriber's by twice: tlbi, then invalidate-range).
        awaitAll(calls, "invalidate_range [" + Addr.hex(start) + ", " + Addr.hex(end) + ") for " + reason,
                shared.timeout(), shared.timeout().multipliedBy(2));
    }

    /**
     * release(mm): the mm is exiting; every subscriber must stop using it before its frames go. Bounded by the release
     * timeout, not invalidate_range's: the subscriber's release returns only after the bound devices' mm_exit
     * handlers stopped their DMA on the PASID, which waits for running jobs and outstanding page requests.
     */
    public void release(long pid, int asid) {
        Duration timeout = shared.releaseTimeout();
        List<Call> calls = new ArrayList<>();
        for (Subscription s : subscriptions) {
            calls.add(new Call(s, "release", post(s, NotifierCallbacks.RELEASE, new NotifierCallbacks.Release(pid, asid), timeout)));
        }
        awaitAll(calls, "release of pid " + pid, timeout, timeout);
    }

    public void clear() {
        subscriptions.clear();
    }

    private CompletableFuture<Void> post(Subscription s, String path, Object body, Duration timeout) {
        try {
            // The transport should time out by itself; orTimeout bounds a transport that does not.
            return shared.transport().post(s.callbackUrl() + path, body, timeout)
                    .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private record Call(Subscription subscription, String op, CompletableFuture<Void> ack) {
    }

    /** {@code timeout}: what each call may take, as reported; {@code longest}: what the slowest call may take in all. */
    private void awaitAll(List<Call> calls, String what, Duration timeout, Duration longest) {
        long start = System.nanoTime();
        long deadline = start + longest.toNanos() + TimeUnit.MILLISECONDS.toNanos(100);
        ErrnoException failure = null;
        for (Call c : calls) {
            String outcome = "ack";
            try {
                c.ack().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                c.ack().cancel(true);
                outcome = "timeout";
                failure = first(failure, timedOut(c, what, timeout));
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                    outcome = "timeout";
                    failure = first(failure, timedOut(c, what, timeout));
                } else {
                    outcome = "refused";
                    failure = first(failure, new ErrnoException(Errno.EBUSY, "notifier-failed", what + ": subscriber "
                            + c.subscription().id() + " at " + c.subscription().callbackUrl() + " did not acknowledge "
                            + c.op() + " (" + describe(cause) + "); nothing was freed"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = "interrupted";
                failure = first(failure, new ErrnoException(Errno.EINTR, "notifier-interrupted", what + " was interrupted; nothing was freed"));
            }
            Timer.builder("mm.notifier.latency").tag("op", c.op()).tag("outcome", outcome)
                    .register(shared.meters()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static ErrnoException timedOut(Call c, String what, Duration timeout) {
        return new ErrnoException(Errno.ETIMEDOUT, "notifier-timeout", what + ": subscriber " + c.subscription().id()
                + " at " + c.subscription().callbackUrl() + " did not acknowledge " + c.op() + " within "
                + timeout.toMillis() + " ms; nothing was freed");
    }

    private static ErrnoException first(ErrnoException a, ErrnoException b) {
        return a != null ? a : b;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
