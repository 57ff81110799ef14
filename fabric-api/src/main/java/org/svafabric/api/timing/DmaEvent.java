package org.svafabric.api.timing;

import java.util.List;

/**
 * What a device's DMA did for one job, as it happened, in the architecture's terms: the facts the
 * {@link TimingModel} prices. The device records them; the SMMU-side facts (IOTLB hit or walk, the
 * descriptors read, STE/CD fetches, the kind of each handle_mm_fault) reach it on the answers it
 * already gets (the ATS Translation Completion, the PRG Response, the end of a stalled transaction).
 */
public sealed interface DmaEvent {

    /** One ATC lookup for the pages of an access: how many hit, how many missed. */
    record AtcLookup(int hits, int misses) implements DmaEvent {
    }

    /** One ATS Translation Request for {@code pages} pages, and what the SMMU did to answer it. */
    record AtsRequest(int pages, SmmuWork smmu) implements DmaEvent {
    }

    /**
     * Page-request groups the device sent in one go (in order), each waited for: its pages and the
     * kinds of fault handle_mm_fault took for them. The device sends a group only while the
     * Outstanding Page Request Allocation has room for it.
     */
    record PageRequests(List<PrgGroup> groups, int allocation) implements DmaEvent {
        public PageRequests {
            groups = List.copyOf(groups);
        }
    }

    /** A transaction stalled on a fault and was resumed (or aborted) after the IOPF handler ran. */
    record Stall(FaultKinds kinds) implements DmaEvent {
    }

    /** Bytes moved across the link between the device and RAM. */
    record Transfer(long bytes) implements DmaEvent {
    }

    /** An untranslated transaction of {@code pages} pages the SMMU translated itself (no ATS). */
    record Untranslated(int pages, SmmuWork smmu) implements DmaEvent {
    }

    /** One page-request group: its page count and the kinds of fault its pages took. */
    record PrgGroup(int pages, FaultKinds kinds) {
    }

    /**
     * What the SMMU did for a batch of translations: configuration structures fetched from memory,
     * translations served from its TLB, walks started, and descriptors those walks read.
     */
    record SmmuWork(int steFetches, int cdFetches, int iotlbHits, int walks, int walkReads) {
        public static final SmmuWork NONE = new SmmuWork(0, 0, 0, 0, 0);

        public SmmuWork plus(SmmuWork o) {
            return new SmmuWork(steFetches + o.steFetches, cdFetches + o.cdFetches, iotlbHits + o.iotlbHits,
                    walks + o.walks, walkReads + o.walkReads);
        }
    }

    /**
     * The kinds of handle_mm_fault: {@code minor} found the page present (Access flag, dirty state),
     * {@code major} allocated and zeroed a frame, {@code swapIn} read the page back from swap.
     */
    record FaultKinds(int minor, int major, int swapIn) {
        public static final FaultKinds NONE = new FaultKinds(0, 0, 0);

        public FaultKinds plus(FaultKinds o) {
            return new FaultKinds(minor + o.minor, major + o.major, swapIn + o.swapIn);
        }

        public int total() {
            return minor + major + swapIn;
        }
    }
}
