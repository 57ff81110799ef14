package org.svafabric.iommu.hw.pri;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.pcie.PcieLink;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.OutputQueue;
import org.svafabric.iommu.hw.queue.QueueBase;

/**
 * The PRI queue, SMMU side: incoming Page Requests from the root complex are written as 16-byte
 * {@link PageRequest} entries at PROD, from any number of threads.
 *
 * <p>Full queue (IHI 0070 §8.1 "PRI queue overflow"): a PPR that meets a full queue enters the overflow
 * condition (PROD.OVFLG toggles). Unlike the event queue, "an active overflow condition inhibits new entries
 * from being written to the PRI queue" until software acknowledges it by writing CONS.OVACKFLG = OVFLG, even
 * if there is room. While it lasts, incoming messages are discarded, and "an automatic PRG Response is
 * generated for Page Request messages having Last == 1, including the PRGI of the PPR that caused the
 * overflow condition to become active"; Last == 0 requests and Stop markers are dropped silently. The
 * auto-response says Success so that the endpoint retries ATS and PRI later; its PASID and code follow the
 * §8.1 table (see {@link #overflowResponse}).
 *
 * <p>Queue unusable (§8.2): with PRIQEN == 0 or an active GERROR.PRIQ_ABT_ERR, nothing is written and every
 * incoming PPR (not Stop markers) gets an automatic Response Failure without PASID; a synchronous abort on
 * writing an entry raises PRIQ_ABT_ERR and answers that PPR with Response Failure.
 */
public final class PriQueue {
    private static final Logger log = LoggerFactory.getLogger(PriQueue.class);

    /**
     * The ID-register facts the full-queue rule depends on.
     *
     * @param substreams the SMMU supports SubstreamIDs (IDR1.SSIDSIZE != 0)
     * @param pps        IDR3.PPS: overflow auto-responses echo the PASID without checking STE.PPAR
     */
    public record Features(boolean substreams, boolean pps) {
    }

    /** An automatic PRG response, decided under the lock and sent outside it. */
    private record AutoResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
    }

    /** What became of one incoming request: written to the queue, or not (then perhaps answered by the SMMU). */
    private record Admission(boolean written, AutoResponse response) {
        static final Admission WRITTEN = new Admission(true, null);
        static final Admission DROPPED = new Admission(false, null);

        static Admission answered(AutoResponse response) {
            return new Admission(false, response);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final OutputQueue queue;
    private final GlobalErrors gerror;
    private final Irq irq;
    private final PcieLink port;
    private final PparLookup ppar;
    private final Features features;
    private long lost;
    private long autoResponses;
    /** Fault injection: whether the queue behaves as full for this Last request of stream {@code sid}. */
    private IntPredicate fullForLastRequest = sid -> false;
    private boolean overflowForced;

    /** @param priqs IDR1.PRIQS, the largest LOG2SIZE the queue honours */
    public PriQueue(MemoryBus bus, GlobalErrors gerror, Irq irq, PcieLink port, PparLookup ppar, Features features,
                    int priqs) {
        this.queue = new OutputQueue(bus, PageRequest.BYTES, priqs);
        this.gerror = gerror;
        this.irq = irq;
        this.port = port;
        this.ppar = ppar;
        this.features = features;
    }

    /**
     * Installs the {@code priq-overflow} fault's hook: a Last request for which it answers true meets
     * the queue as if it were full, just as the group's earlier requests were written, so the group is
     * left partial. The overflow then follows the architecture's rules, and the PRIQ interrupt is raised
     * so that the driver sees OVFLG even though nothing was written.
     */
    public void overflowWhen(IntPredicate fullForLastRequest) {
        locked(() -> this.fullForLastRequest = fullForLastRequest);
    }

    public void configure(QueueBase base) {
        locked(() -> queue.configure(base));
    }

    /** CR0.PRIQEN. */
    public void setEnabled(boolean enabled) {
        locked(() -> queue.setEnabled(enabled));
    }

    public int readProd() {
        return read(() -> queue.prod());
    }

    public int readCons() {
        return read(() -> queue.cons());
    }

    /** Software's PRIQ_PROD write, for initialisation while disabled. */
    public void writeProd(int value) {
        locked(() -> queue.writeProd(value));
    }

    /** Software's PRIQ_CONS write: frees entries and, with OVACKFLG = OVFLG, ends the overflow condition. */
    public void writeCons(int value) {
        locked(() -> queue.writeCons(value));
    }

    /** Entries the SMMU wrote and software has not consumed yet: PRIQ_PROD - PRIQ_CONS, wrap included. */
    public int depth() {
        return read(() -> queue.ring().used(queue.prod(), queue.cons()));
    }

    /** Requests discarded by the overflow condition. */
    public long lostRequests() {
        return read(() -> lost);
    }

    /** PRG responses the SMMU generated itself. */
    public long autoResponses() {
        return read(() -> autoResponses);
    }

    /** A Page Request message arriving from the root complex. */
    public void receive(PageRequest ppr) {
        long[] entry = ppr.encode();
        Admission admission;
        boolean forced;
        lock.lock();
        try {
            overflowForced = false;
            admission = admit(ppr, entry);
            forced = overflowForced;
        } finally {
            lock.unlock();
        }
        if (forced) {
            irq.raise();
        }
        AutoResponse auto = admission.response();
        if (auto != null) {
            port.pageResponse(auto.sid, auto.ssid, auto.pasidValid, auto.prgIndex, auto.code);
        } else if (admission.written()) {
            irq.raise();
        }
    }

    /** Writes the request, or decides what the SMMU answers in its place. Under the lock. */
    private Admission admit(PageRequest ppr, long[] entry) {
        if (!queueUsable()) {
            return ppr.isStopMarker() ? Admission.DROPPED : Admission.answered(failure(ppr));
        }
        if (!queue.overflowActive() && (queue.isFull() || forcedFull(ppr))) {
            queue.signalOverflow();
        }
        if (queue.overflowActive()) {
            lost++;
            boolean answered = ppr.last() && !ppr.isStopMarker();
            return answered ? Admission.answered(counted(overflowResponse(ppr))) : Admission.DROPPED;
        }
        try {
            queue.push(entry);
            return Admission.WRITTEN;
        } catch (RuntimeException busFault) {
            log.warn("PRI queue write aborted at PROD 0x{}: {}", Integer.toHexString(queue.prod()), busFault.toString());
            gerror.raise(Gerror.PRIQ_ABT_ERR);
            return ppr.isStopMarker() ? Admission.DROPPED : Admission.answered(failure(ppr));
        }
    }

    private boolean forcedFull(PageRequest ppr) {
        overflowForced = ppr.last() && !ppr.isStopMarker() && fullForLastRequest.test(ppr.sid());
        return overflowForced;
    }

    private boolean queueUsable() {
        return queue.enabled() && !gerror.isActive(Gerror.PRIQ_ABT_ERR);
    }

    /** Response Failure, never with a PASID (§8.2). */
    private AutoResponse failure(PageRequest ppr) {
        return counted(new AutoResponse(ppr.sid(), 0, false, ppr.prgIndex(), PrgResponseCode.FAILURE));
    }

    /**
     * The §8.1 auto-response to a Last == 1 request discarded by overflow: without a PASID on the request, or
     * when the SMMU has no substreams, Success without PASID; with one and IDR3.PPS == 1, Success with the same
     * PASID; with PPS == 0, STE.PPAR decides whether the PASID is echoed, and an STE that cannot be checked
     * gives Response Failure without PASID.
     */
    private AutoResponse overflowResponse(PageRequest ppr) {
        if (!ppr.ssv() || !features.substreams()) {
            return new AutoResponse(ppr.sid(), 0, false, ppr.prgIndex(), PrgResponseCode.SUCCESS);
        }
        if (features.pps()) {
            return new AutoResponse(ppr.sid(), ppr.ssid(), true, ppr.prgIndex(), PrgResponseCode.SUCCESS);
        }
        Optional<Boolean> required = ppar.ppar(ppr.sid());
        if (required.isEmpty()) {
            return new AutoResponse(ppr.sid(), 0, false, ppr.prgIndex(), PrgResponseCode.FAILURE);
        }
        boolean withPasid = required.get();
        return new AutoResponse(ppr.sid(), withPasid ? ppr.ssid() : 0, withPasid, ppr.prgIndex(), PrgResponseCode.SUCCESS);
    }

    private AutoResponse counted(AutoResponse r) {
        autoResponses++;
        return r;
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
