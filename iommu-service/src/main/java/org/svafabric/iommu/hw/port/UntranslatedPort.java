package org.svafabric.iommu.hw.port;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.Cost;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.event.EventSink;
import org.svafabric.iommu.hw.stall.StallHold;
import org.svafabric.iommu.hw.tlb.InFlightTransactions;

/**
 * The port where devices without ATS send untranslated transactions: batches of reads and writes with their
 * data, each translated page by page and then performed on the memory bus.
 * <ul>
 * <li>A fault that may stall (CD.S = 1, translation-related) is handed to {@link StallHold}, which records the
 *     event with STALL = 1 and a STAG; the transaction waits without a thread. Retry translates that page
 *     again; Abort (or Terminate, or the watchdog) ends the access with an abort.</li>
 * <li>Any other fault terminates: the event is recorded if the fault configuration says so, and the device
 *     sees an abort (CD.A = 1, and every configuration error) or RAZ/WI (CD.A = 0: reads of that page return
 *     zeros, writes to it are dropped, and the access goes on).</li>
 * </ul>
 * The accesses of a batch are performed in order, a stalled one holding back those after it (a device may
 * order its transactions this strictly; the architecture lets later ones pass a stall). Translated pages are
 * accessed with one batched bus call per run of successful translations, inside an
 * {@link InFlightTransactions} pass so that an invalidation completes only after accesses that used the
 * old translation.
 */
public final class UntranslatedPort {
    private final SmmuV3 smmu;
    private final MemoryBus bus;
    private final StallHold stalls;
    private final EventSink events;
    private final Executor resumeExecutor;
    private final Consumer<Cost> costs;

    /**
     * {@code resumeExecutor} continues a transaction after CMD_RESUME (Retry), so that the command queue's
     * consumer, which completes the stall, is not held up by the transaction's memory accesses.
     */
    public UntranslatedPort(SmmuV3 smmu, StallHold stalls, EventSink events, Executor resumeExecutor) {
        this(smmu, stalls, events, resumeExecutor, c -> { });
    }

    /** {@code costs} is told what each page's translation cost (for a timing model), in the order translated. */
    public UntranslatedPort(SmmuV3 smmu, StallHold stalls, EventSink events, Executor resumeExecutor, Consumer<Cost> costs) {
        this.costs = costs;
        this.smmu = smmu;
        this.bus = smmu.bus();
        this.stalls = stalls;
        this.events = events;
        this.resumeExecutor = resumeExecutor;
    }

    public UntranslatedPort(SmmuV3 smmu, StallHold stalls, EventSink events) {
        this(smmu, stalls, events, ForkJoinPool.commonPool());
    }

    /** Performs {@code accesses} for stream {@code sid}, SubstreamID {@code ssid} (-1: none), in order. */
    public CompletionStage<List<DmaResult>> submit(int sid, int ssid, List<DmaAccess> accesses) {
        List<DmaResult> results = new ArrayList<>(accesses.size());
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (DmaAccess a : accesses) {
            chain = chain.thenCompose(v -> new Transfer(sid, ssid, a).start()).thenAccept(results::add);
        }
        return chain.thenApply(v -> results);
    }

    /** One access in progress: the pages done so far, and what is left after a stall. */
    private final class Transfer {
        private final int sid;
        private final int ssid;
        private final DmaAccess a;
        private final byte[] readData;
        private final CompletableFuture<DmaResult> done = new CompletableFuture<>();
        /** The pages translated since the last flush: consecutive in the access, from {@code pendingFrom}. */
        private final List<MemoryBus.Range> pending = new ArrayList<>();
        private int pendingFrom;
        private int offset;
        private int razWi;

        Transfer(int sid, int ssid, DmaAccess a) {
            this.sid = sid;
            this.ssid = ssid;
            this.a = a;
            this.readData = a.write() ? null : new byte[a.length()];
        }

        CompletableFuture<DmaResult> start() {
            run();
            return done;
        }

        /** Translates and performs pages from {@code offset} until the end, a stall or a termination. */
        private void run() {
            InFlightTransactions inFlight = smmu.inFlight();
            long pass = inFlight.enter();
            boolean inside = true;
            try {
                while (offset < a.length()) {
                    long va = a.va() + offset;
                    int n = (int) Math.min(a.length() - offset, Vmsa.PAGE_SIZE - (va & (Vmsa.PAGE_SIZE - 1)));
                    Translation t = smmu.translate(new TransactionRequest(sid, ssid, va, a.write(), a.exec() && !a.write(), a.priv()));
                    costs.accept(t.cost());
                    if (t instanceof Translation.Ok) {
                        queue(((Translation.Ok) t).pa(), n);
                        offset += n;
                        continue;
                    }
                    flush();
                    if (t instanceof Translation.Aborted) {
                        done.complete(new DmaResult.Aborted(va, offset, null, ((Translation.Aborted) t).reason()));
                        return;
                    }
                    Translation.Fault f = (Translation.Fault) t;
                    if (f.stall()) {
                        inFlight.exit(pass);
                        inside = false;
                        stall(f, va);
                        return;
                    }
                    if (f.record()) {
                        events.record(f.event());
                    }
                    if (f.abort()) {
                        done.complete(new DmaResult.Aborted(va, offset, f.event(), f.detail()));
                        return;
                    }
                    razWi += n; // RAZ: readData is already zero there; WI: nothing written
                    offset += n;
                }
                flush();
                done.complete(new DmaResult.Done(readData, razWi));
            } catch (RuntimeException busError) {
                done.complete(new DmaResult.Aborted(a.va() + offset, offset, null, "bus error: " + busError.getMessage()));
            } finally {
                if (inside) {
                    inFlight.exit(pass);
                }
            }
        }

        private void stall(Translation.Fault f, long va) {
            stalls.hold(f.event()).whenCompleteAsync((retry, failure) -> {
                if (failure == null && Boolean.TRUE.equals(retry)) {
                    run();
                } else {
                    done.complete(new DmaResult.Aborted(va, offset, f.event(),
                            failure == null ? "stalled transaction terminated by CMD_RESUME or the watchdog" : failure.toString()));
                }
            }, resumeExecutor);
        }

        private void queue(long pa, int n) {
            if (pending.isEmpty()) {
                pendingFrom = offset;
            }
            pending.add(new MemoryBus.Range(pa, n));
        }

        /** Performs the pages translated so far, in one bus batch, straight between the access's buffer and RAM. */
        private void flush() {
            if (pending.isEmpty()) {
                return;
            }
            if (a.write()) {
                bus.writeFrom(pending, a.data(), pendingFrom);
            } else {
                bus.readInto(pending, readData, pendingFrom);
            }
            pending.clear();
        }
    }
}
