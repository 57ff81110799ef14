package org.svafabric.iommu.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.timing.DmaEvent.FaultKinds;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.iommu.core.iopf.FaultKindNotes;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.ats.AtsRequest;
import org.svafabric.iommu.hw.ats.AtsService;
import org.svafabric.iommu.hw.ats.TranslationWork;
import org.svafabric.iommu.hw.event.EventSink;
import org.svafabric.iommu.hw.port.DmaAccess;
import org.svafabric.iommu.hw.port.DmaResult;
import org.svafabric.iommu.hw.port.UntranslatedPort;
import org.svafabric.iommu.hw.pri.PageRequest;
import org.svafabric.iommu.hw.pri.PriQueue;
import org.svafabric.iommu.hw.stall.StallHold;

/**
 * The SMMU's device-facing ports as the REST layer uses them: ATS Translation Requests, PRI Page Requests,
 * and untranslated transactions, whose stalls are counted per transaction for the device's statistics.
 */
public final class SmmuPorts {

    /**
     * How an untranslated transaction ended, how often it stalled on the way, what its translations cost
     * the SMMU and what handle_mm_fault took for its stalls (for the device's timing model).
     */
    public record Transaction(DmaResult result, int stalls, TranslationWork work, FaultKinds faultKinds) {
    }

    private final SmmuV3 smmu;
    private final AtsService ats;
    private final PriQueue priQueue;
    private final StallHold stalls;
    private final EventSink events;
    private final FaultKindNotes faultKinds;
    private final IntFunction<String> deviceOfSid;

    public SmmuPorts(SmmuV3 smmu, PriQueue priQueue, StallHold stalls, EventSink events) {
        this(smmu, priQueue, stalls, events, new FaultKindNotes(), sid -> "sid-" + sid);
    }

    /** {@code deviceOfSid}: the device at a StreamID of this SMMU, which the fault notes are kept by. */
    public SmmuPorts(SmmuV3 smmu, PriQueue priQueue, StallHold stalls, EventSink events, FaultKindNotes faultKinds,
                     IntFunction<String> deviceOfSid) {
        this.faultKinds = faultKinds;
        this.deviceOfSid = deviceOfSid;
        this.smmu = smmu;
        this.ats = new AtsService(smmu, events);
        this.priQueue = priQueue;
        this.stalls = stalls;
        this.events = events;
    }

    public List<AtsCompletion> translate(int sid, int ssid, List<AtsRequest> pages) {
        return ats.translate(sid, ssid, pages);
    }

    /** The same, adding what the SMMU did for the batch to {@code work}. */
    public List<AtsCompletion> translate(int sid, int ssid, List<AtsRequest> pages, TranslationWork work) {
        return ats.translate(sid, ssid, pages, work);
    }

    /** Page Request messages in arrival order, written to the PRI queue together. */
    public void pageRequests(List<PageRequest> requests) {
        priQueue.receive(requests);
    }

    /** One access through the untranslated port; completes when it is done, which a stall may delay. */
    public CompletionStage<Transaction> transact(int sid, int ssid, DmaAccess access) {
        AtomicInteger stalled = new AtomicInteger();
        StallHold counting = fault -> {
            stalled.incrementAndGet();
            return stalls.hold(fault);
        };
        TranslationWork work = new TranslationWork();
        // Translations of one transaction run one after the other (a stall's retry follows its resume), never at once.
        return new UntranslatedPort(smmu, counting, events, ForkJoinPool.commonPool(), work::add)
                .submit(sid, ssid, new ArrayList<>(List.of(access)))
                .thenApply(results -> new Transaction(results.get(0), stalled.get(), work, stalled.get() == 0 ? FaultKinds.NONE
                        : faultKinds.takeStalls(String.valueOf(deviceOfSid.apply(sid)), Vmsa.pageDown(access.va()), Vmsa.pageDown(access.va() + Math.max(access.length(), 1) - 1))));
    }
}
