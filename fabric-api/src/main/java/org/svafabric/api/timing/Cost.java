package org.svafabric.api.timing;

import java.util.Locale;

/**
 * Every architectural event the fabric counts, with its default price in nanoseconds. The wire
 * name ({@link #key()}) is what the topology's {@code timing:} section and a job's
 * {@code "timing"} override use, and what a job's model breakdown is keyed by. Where a default
 * comes from and why is in {@code docs/TIMING.md}; the defaults here and there must agree.
 */
public enum Cost {
    /** The device finds a translation in its ATC (per page looked up). */
    ATC_HIT("atcHit", 2),
    /** The device looks a page up in its ATC and misses (the lookup only; the ATS request is {@link #ATS_ROUND_TRIP}). */
    ATC_MISS("atcMiss", 2),
    /** One ATS Translation Request and its Completion across the link (per request, whatever its page count). */
    ATS_ROUND_TRIP("atsRoundTrip", 600),
    /** A translation the SMMU serves from its TLB (per page). */
    IOTLB_HIT("iotlbHit", 15),
    /** An untranslated transaction that misses the TBU's TLB and goes to the TCU (per page). */
    TBU_TO_TCU_MISS("tbuToTcuMiss", 15),
    /** The TCU misses its caches and starts a table walk (per walk). */
    TCU_MISS("tcuMiss", 35),
    /** One translation-table descriptor read from memory by a walk. */
    WALK_DESCRIPTOR_READ("walkDescriptorRead", 68),
    /** A Stream Table Entry fetched from memory (STE not in the configuration cache). */
    STE_FETCH("steFetch", 68),
    /** A Context Descriptor fetched from memory (CD not in the configuration cache). */
    CD_FETCH("cdFetch", 68),
    /** The SMMU writes one Page Request to the PRI queue in memory (per page request). */
    PRI_QUEUE_WRITE("priQueueWrite", 70),
    /** The PRI queue's interrupt and the driver's queue consumer taking a group to the IOPF queue (per group). */
    PRI_INTERRUPT("priInterrupt", 1500),
    /** An IOPF worker picks the group up: iommu_sva_find, the mm lookup, the group bookkeeping (per group or stall). */
    IOPF_HANDLING("iopfHandling", 1000),
    /** handle_mm_fault for a page already present: Access flag or dirty state only (per page). */
    MM_FAULT_MINOR("mmFaultMinor", 500),
    /** handle_mm_fault that allocates and zeroes a fresh frame (anonymous first touch; per page). */
    MM_FAULT_MAJOR("mmFaultMajor", 1200),
    /** handle_mm_fault that reads the page back from swap (per page). */
    MM_FAULT_SWAP_IN("mmFaultSwapIn", 55_000),
    /** CMD_PRI_RESP through the command queue and the PRG Response Message to the device (per group). */
    PRG_RESPONSE("prgResponse", 600),
    /** A stalled transaction: event record, interrupt, and CMD_RESUME back to the SMMU (per stall). */
    STALL_RESUME("stallResume", 2500),
    /** CMD_SYNC and the wait for its completion. */
    CMD_SYNC("cmdSync", 800),
    /** One TLB invalidation command (CMD_TLBI_*) consumed by the SMMU. */
    TLBI("tlbi", 100),
    /** One CMD_ATC_INV: the ATS Invalidation Request message to the device. */
    ATC_INV("atcInv", 600),
    /** The device's Invalidation Completion for one ATS Invalidation Request. */
    ATC_INV_COMPLETION("atcInvCompletion", 2000),
    /** Moving data across the link, in nanoseconds per KiB (the inverse of the link bandwidth). */
    DMA_TRANSFER("dmaTransfer", 40),
    /** Pinning one page for classical DMA: pin_user_pages and the io-pgtable map (per 4 KiB page). */
    PIN_PER_PAGE("pinPerPage", 300),
    /** Unpinning one page: the io-pgtable unmap and unpin_user_page (per 4 KiB page; TLBI and CMD_SYNC priced apart). */
    UNPIN_PER_PAGE("unpinPerPage", 150);

    private final String key;
    private final long defaultNanos;

    Cost(String key, long defaultNanos) {
        this.key = key;
        this.defaultNanos = defaultNanos;
    }

    /** The name in the {@code timing} configuration, overrides and breakdowns. */
    public String key() {
        return key;
    }

    public long defaultNanos() {
        return defaultNanos;
    }

    /** The cost named {@code key}, or null. */
    public static Cost byKey(String key) {
        for (Cost c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        return null;
    }

    /** Every key, for error messages. */
    public static String keys() {
        StringBuilder b = new StringBuilder();
        for (Cost c : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(c.key);
        }
        return b.toString();
    }
}
