package org.svafabric.iommu.hw.cache;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.tlb.InvalidationEpoch;
import org.svafabric.iommu.hw.walker.Stage1Context;

/**
 * The configuration cache: STEs by StreamID and CDs by (StreamID, SubstreamID), as fetched and found legal.
 * An entry stays until a CMD_CFGI_* (or CMD_CFGI_ALL) removes it or a conflicting fill evicts it, so a driver
 * that rewrites an STE or CD without the invalidation goes on seeing the old configuration, as on hardware.
 * Invalid and ILLEGAL structures are not cached: the next transaction fetches them again (a model choice;
 * the driver's write-fields-then-V sequence needs no invalidation to be seen).
 *
 * <p>Invalidating an STE also removes the CDs cached for that stream: they were located through it, and
 * CMD_CFGI_STE is one of the wider scopes that invalidate cached CDs (IHI 0070 §5.3.1).
 *
 * <p>Direct-mapped arrays with lock-free lookups; fills and invalidations follow the
 * {@link InvalidationEpoch} rule so a fetch that overlapped an invalidation never leaves its result behind
 * (the fill epoch is taken before the lookup that missed).
 */
public final class ConfigCache {

    /** A legal STE of stream {@code sid}, with the stream's counters for the hot path. */
    public record SteEntry(int sid, Ste ste, StreamCounters counters) {
    }

    /** A legal CD at index {@code ssid} of stream {@code sid}'s CD table, and the stage-1 context built from it. */
    public record CdEntry(int sid, int ssid, Cd cd, Stage1Context ctx) {
    }

    /**
     * Counters since creation. Hits are not counted here, to keep the hot path to a plain read; they are the
     * stream's translations minus these misses.
     */
    public record Stats(long steMisses, long cdMisses, long invalidations) {
    }

    private final AtomicReferenceArray<SteEntry> stes;
    private final AtomicReferenceArray<CdEntry> cds;
    private final InvalidationEpoch epoch;
    private final Object lock = new Object();
    private final LongAdder steMisses = new LongAdder();
    private final LongAdder cdMisses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();

    /**
     * {@code epoch} is shared with the TLB and walk cache: a translation takes one fill epoch before it looks
     * anything up, so a configuration invalidation also keeps a translation that read the old configuration
     * from filling the TLB (under an ASID the driver may already have given to another address space).
     */
    public ConfigCache(int steEntries, int cdEntries, InvalidationEpoch epoch) {
        this.stes = new AtomicReferenceArray<>(steEntries);
        this.cds = new AtomicReferenceArray<>(cdEntries);
        this.epoch = epoch;
    }

    private int steSlot(int sid) {
        return (int) Long.remainderUnsigned(Integer.toUnsignedLong(sid) * 0x9E3779B1L >>> 7, stes.length());
    }

    private int cdSlot(int sid, int ssid) {
        long h = (Integer.toUnsignedLong(sid) << 20 | ssid) * 0x9E3779B97F4A7C15L;
        return (int) Long.remainderUnsigned(h >>> 17, cds.length());
    }

    public SteEntry ste(int sid) {
        SteEntry e = stes.get(steSlot(sid));
        if (e != null && e.sid == sid) {
            return e;
        }
        steMisses.increment();
        return null;
    }

    public CdEntry cd(int sid, int ssid) {
        CdEntry e = cds.get(cdSlot(sid, ssid));
        if (e != null && e.sid == sid && e.ssid == ssid) {
            return e;
        }
        cdMisses.increment();
        return null;
    }

    public void fill(SteEntry e, long fillEpoch) {
        synchronized (lock) {
            if (epoch.mayFill(fillEpoch)) {
                stes.set(steSlot(e.sid), e);
            }
        }
    }

    public void fill(CdEntry e, long fillEpoch) {
        synchronized (lock) {
            if (epoch.mayFill(fillEpoch)) {
                cds.set(cdSlot(e.sid, e.ssid), e);
            }
        }
    }

    /**
     * CMD_CFGI_STE / _STE_RANGE / _ALL: the STEs of the aligned block of 2^{@code log2Range} StreamIDs holding
     * {@code sid}, and the CDs cached for them; {@code log2Range} 31 or more means every stream.
     */
    public void invalidateStreams(int sid, int log2Range) {
        long mask = log2Range >= 31 ? 0xffff_ffffL : (1L << log2Range) - 1;
        long first = Integer.toUnsignedLong(sid) & ~mask;
        long last = first | mask;
        invalidate(s -> s >= first && s <= last, (s, ssid) -> s >= first && s <= last);
    }

    /** CMD_CFGI_CD for one SubstreamID, or CMD_CFGI_CD_ALL when {@code ssid} is -1. */
    public void invalidateCds(int sid, int ssid) {
        long target = Integer.toUnsignedLong(sid);
        invalidate(s -> false, (s, x) -> s == target && (ssid < 0 || x == ssid));
    }

    private interface SidMatch {
        boolean test(long sid);
    }

    private interface CdMatch {
        boolean test(long sid, int ssid);
    }

    private void invalidate(SidMatch steMatch, CdMatch cdMatch) {
        epoch.beginInvalidation();
        try {
            synchronized (lock) {
                for (int i = 0; i < stes.length(); i++) {
                    SteEntry e = stes.get(i);
                    if (e != null && steMatch.test(Integer.toUnsignedLong(e.sid))) {
                        stes.set(i, null);
                    }
                }
                for (int i = 0; i < cds.length(); i++) {
                    CdEntry e = cds.get(i);
                    if (e != null && cdMatch.test(Integer.toUnsignedLong(e.sid), e.ssid)) {
                        cds.set(i, null);
                    }
                }
            }
            invalidations.increment();
        } finally {
            epoch.endInvalidation();
        }
    }

    public Stats stats() {
        return new Stats(steMisses.sum(), cdMisses.sum(), invalidations.sum());
    }
}
