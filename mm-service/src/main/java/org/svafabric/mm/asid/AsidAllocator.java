package org.svafabric.mm.asid;

import java.util.BitSet;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * arm64's ASID allocator (arch/arm64/mm/context.c), without KPTI's ASID pairs:
 * <ul>
 * <li>A context id is generation | ASID. The generation counts in units of 2^bits, so an id
 *     belongs to the current generation iff the bits above the ASID match.</li>
 * <li>ASIDs are handed out from a bitmap by next-fit; ASID 0 is never used (reserved).</li>
 * <li>When the bitmap is full: rollover. The generation advances, the bitmap is reset to the
 *     pinned ASIDs, and the ASID running on each CPU is kept (reserved) so running tasks need
 *     no new ASID; every CPU must flush its TLB before it next switches.</li>
 * <li>A pinned ASID (arm64_mm_context_get, for sharing with an SMMU) survives rollover and is
 *     never given to another mm; at most {@code 2^bits - cpus - 2} may be pinned so that
 *     rollover always finds room for the CPUs' reserved ASIDs.</li>
 * </ul>
 * One lock (cpu_asid_lock); the kernel's lock-free fast path is not modelled because the
 * simulated CPUs switch far less often than real ones.
 */
public final class AsidAllocator {
    private final int bits;
    private final int numAsids;
    private final int cpus;
    private final BitSet map;
    private final BitSet pinnedMap;
    private final long[] active;
    private final long[] reserved;
    private final boolean[] flushPending;
    private final int maxPinned;
    private final Counter rollovers;
    private long generation;
    private int curIdx = 1;
    private int nrPinned;

    public AsidAllocator(int bits, int cpus, MeterRegistry meters) {
        if (bits < 4 || bits > 16) {
            throw new IllegalArgumentException("ASID width must be between 4 and 16 bits");
        }
        if (cpus < 1 || cpus > (1 << bits) / 4) {
            throw new IllegalArgumentException("cpus must be between 1 and a quarter of the ASID space");
        }
        this.bits = bits;
        this.numAsids = 1 << bits;
        this.cpus = cpus;
        this.map = new BitSet(numAsids);
        this.pinnedMap = new BitSet(numAsids);
        this.active = new long[cpus];
        this.reserved = new long[cpus];
        this.flushPending = new boolean[cpus];
        this.maxPinned = numAsids - cpus - 2;
        this.generation = firstVersion();
        this.map.set(0);
        this.rollovers = Counter.builder("mm.asid.rollovers").register(meters);
    }

    public int bits() {
        return bits;
    }

    public int cpus() {
        return cpus;
    }

    public synchronized long generation() {
        return generation >>> bits;
    }

    /** ASID (without generation) of a context; 0 before it first ran. */
    public synchronized int asidOf(MmContext ctx) {
        return (int) (ctx.id & asidMask());
    }

    /**
     * check_and_switch_context: {@code ctx} starts running on {@code cpu}; gives it an ASID of
     * the current generation if it has none. Returns true if the CPU had to flush its TLB
     * (first switch after a rollover).
     */
    public synchronized boolean switchTo(MmContext ctx, int cpu) {
        if (!generationMatches(ctx.id)) {
            ctx.id = newContext(ctx);
        }
        boolean flushed = flushPending[cpu];
        flushPending[cpu] = false;
        active[cpu] = ctx.id;
        return flushed;
    }

    /**
     * arm64_mm_context_get: pins the mm's ASID (refcounted) and returns it. ENOSPC when the pin
     * limit is reached.
     */
    public synchronized int pin(MmContext ctx) {
        if (ctx.pinned > 0) {
            ctx.pinned++;
            return (int) (ctx.id & asidMask());
        }
        if (nrPinned >= maxPinned) {
            throw new ErrnoException(Errno.ENOSPC, "asid-pin-limit", "no ASID can be pinned: " + nrPinned
                    + " of at most " + maxPinned + " are pinned");
        }
        if (!generationMatches(ctx.id)) {
            ctx.id = newContext(ctx);
        }
        nrPinned++;
        pinnedMap.set(index(ctx.id));
        ctx.pinned = 1;
        return (int) (ctx.id & asidMask());
    }

    /** arm64_mm_context_put: drops one pin; EINVAL if the ASID was not pinned. */
    public synchronized void unpin(MmContext ctx) {
        if (ctx.pinned == 0) {
            throw new ErrnoException(Errno.EINVAL, "asid-not-pinned", "the ASID of this mm is not pinned");
        }
        if (--ctx.pinned == 0) {
            pinnedMap.clear(index(ctx.id));
            nrPinned--;
        }
    }

    public synchronized int pinnedCount(MmContext ctx) {
        return ctx.pinned;
    }

    public synchronized int nrPinned() {
        return nrPinned;
    }

    public int maxPinned() {
        return maxPinned;
    }

    private long newContext(MmContext ctx) {
        long asid = ctx.id;
        if (asid != 0) {
            long newAsid = generation | (asid & asidMask());
            // Running on some CPU at the last rollover: it keeps its ASID in the new generation.
            if (updateReserved(asid, newAsid)) {
                return newAsid;
            }
            // A pinned ASID stayed set in the bitmap across rollover and is this mm's alone.
            if (ctx.pinned > 0) {
                return newAsid;
            }
            // Its old ASID is still free in the new generation: reuse it.
            if (!map.get(index(asid))) {
                map.set(index(asid));
                return newAsid;
            }
        }
        int idx = map.nextClearBit(curIdx);
        if (idx >= numAsids) {
            generation += firstVersion();
            flushContext();
            rollovers.increment();
            idx = map.nextClearBit(1);
        }
        map.set(idx);
        curIdx = idx;
        return generation | idx;
    }

    private void flushContext() {
        map.clear();
        map.or(pinnedMap);
        map.set(0);
        for (int cpu = 0; cpu < cpus; cpu++) {
            long asid = active[cpu];
            active[cpu] = 0;
            // A CPU that has not switched since the previous rollover still runs its reserved ASID.
            if (asid == 0) {
                asid = reserved[cpu];
            }
            map.set(index(asid));
            reserved[cpu] = asid;
            flushPending[cpu] = true;
        }
    }

    private boolean updateReserved(long asid, long newAsid) {
        boolean hit = false;
        for (int cpu = 0; cpu < cpus; cpu++) {
            if (reserved[cpu] == asid) {
                hit = true;
                reserved[cpu] = newAsid;
            }
        }
        return hit;
    }

    private boolean generationMatches(long id) {
        return id != 0 && ((id ^ generation) >>> bits) == 0;
    }

    private long firstVersion() {
        return 1L << bits;
    }

    private long asidMask() {
        return (1L << bits) - 1;
    }

    private int index(long id) {
        return (int) (id & asidMask());
    }
}
