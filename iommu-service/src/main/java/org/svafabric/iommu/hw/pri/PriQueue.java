package org.svafabric.iommu.hw.pri;

import java.util.ArrayList;
import java.util.List;
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

    /** PRIQ_PROD: read without the producers' lock, so the consumer never waits behind a bus write. */
    public int readProd() {
        return queue.prod();
    }

    public int readCons() {
        return queue.cons();
    }

    /** Software's PRIQ_PROD write, for initialisation while disabled. */
    public void writeProd(int value) {
        locked(() -> queue.writeProd(value));
    }

    /** Software's PRIQ_CONS write: frees entries and, with OVACKFLG = OVFLG, ends the overflow condition. */
    public void writeCons(int value) {
        queue.writeCons(value);
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
        receive(List.of(ppr));
    }

    /**
     * Page Request messages arriving together (a PCIe function's group, in order): each is admitted as if it
     * came alone, the ones admitted are written in one bus access, and PROD then moves past them all. The
     * queue lock is held for that one write, not one per entry; software's CONS writes do not wait for it.
     */
    public void receive(List<PageRequest> pprs) {
        List<AutoResponse> answers = new ArrayList<>();
        boolean written;
        boolean forced = false;
        lock.lock();
        try {
            List<PageRequest> staged = new ArrayList<>();
            for (PageRequest ppr : pprs) {
                overflowForced = false;
                Admission admission = admit(ppr);
                forced |= overflowForced;
                if (admission.written()) {
                    staged.add(ppr);
                } else if (admission.response() != null) {
                    answers.add(admission.response());
                }
            }
            written = commit(staged, answers);
        } finally {
            lock.unlock();
        }
        if (written || forced) {
            irq.raise();
        }
        for (AutoResponse auto : answers) {
            port.pageResponse(auto.sid, auto.ssid, auto.pasidValid, auto.prgIndex, auto.code);
        }
    }

    /** Stages the request, or decides what the SMMU answers in its place. Under the lock. */
    private Admission admit(PageRequest ppr) {
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
        queue.stage(ppr.encode());
        return Admission.WRITTEN;
    }

    /**
     * Writes the staged entries. An abort on the write (§8.2) raises PRIQ_ABT_ERR, and every request that was not
     * written is answered as the unusable queue answers it. Under the lock; true when entries reached RAM.
     */
    private boolean commit(List<PageRequest> staged, List<AutoResponse> answers) {
        if (staged.isEmpty()) {
            return false;
        }
        try {
            queue.commit();
            return true;
        } catch (RuntimeException busFault) {
            log.warn("PRI queue write aborted at PROD 0x{}: {}", Integer.toHexString(queue.prod()), busFault.toString());
            gerror.raise(Gerror.PRIQ_ABT_ERR);
            for (PageRequest ppr : staged) {
                if (!ppr.isStopMarker()) {
                    answers.add(failure(ppr));
                }
            }
            return false;
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
