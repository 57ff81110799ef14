package org.svafabric.mm.ram;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The physical frame allocator: one zone, a bitmap of allocated frames, single frames by
 * next-fit and contiguous runs (kernel allocations) by first-fit. A frame handed out is zeroed
 * (its old bytes were discarded when it was freed, or are discarded now) and marked with its
 * {@link FrameUse}; a freed frame is marked FREE before its bytes are dropped so that the memory
 * bus refuses it from then on.
 *
 * <p>The bitmap is guarded by this object's monitor; reclaim runs outside it (it calls
 * MMU notifiers over HTTP), so a slow subscriber never stalls other allocations.
 */
public final class FrameAllocator {
    private final Ram ram;
    private final long[] allocated;
    /**
     * Rounds of direct reclaim before an allocation gives up (mm/page_alloc.c MAX_RECLAIM_RETRIES):
     * reclaim skips address spaces that are busy, so one empty round is no proof of exhaustion.
     */
    static final int MAX_RECLAIM_RETRIES = 16;
    /** How long one reclaim round may wait for a busy address space's lock. */
    static final long RECLAIM_WAIT_MILLIS = 10;

    private final Watermarks watermarks;
    private final Counter directReclaims;
    private volatile Shrinker shrinker = Shrinker.NONE;
    private long free;
    private int nextFit;

    public FrameAllocator(Ram ram, Watermarks watermarks, MeterRegistry meters) {
        this.ram = ram;
        this.watermarks = watermarks;
        this.allocated = new long[(ram.frameCount() + 63) / 64];
        int tail = ram.frameCount() % 64;
        if (tail != 0) {
            allocated[allocated.length - 1] = -1L << tail;
        }
        // Frame 0 stays reserved so that a zero or base physical address is never a live frame.
        allocated[0] |= 1L;
        ram.setUse(0, FrameUse.RESERVED);
        this.free = ram.frameCount() - 1L;
        this.nextFit = 1;
        Gauge.builder("mm.ram.frames.free", this, FrameAllocator::freeFrames)
                .description("free physical frames").register(meters);
        Gauge.builder("mm.ram.frames.total", ram, r -> r.frameCount()).register(meters);
        this.directReclaims = Counter.builder("mm.reclaim.direct").description("allocations that had to reclaim first").register(meters);
    }

    public Ram ram() {
        return ram;
    }

    public Watermarks watermarks() {
        return watermarks;
    }

    public void setShrinker(Shrinker shrinker) {
        this.shrinker = shrinker;
    }

    public double directReclaims() {
        return directReclaims.count();
    }

    public synchronized long freeFrames() {
        return free;
    }

    /**
     * One frame for a process (anonymous page or page table). Below the low watermark it reclaims
     * first; it never dips below the min watermark. Throws ENOMEM when nothing can be freed.
     */
    public int allocateUser(FrameUse use) {
        for (int attempt = 0; attempt <= MAX_RECLAIM_RETRIES; attempt++) {
            // The first round only takes what is free to take; later ones wait briefly for busy victims.
            if (freeFrames() <= watermarks.low()) {
                directReclaim(attempt == 0 ? 0 : RECLAIM_WAIT_MILLIS);
            }
            synchronized (this) {
                if (free > watermarks.min()) {
                    return takeOne(use);
                }
            }
        }
        throw outOfMemory(1);
    }

    /**
     * {@code count} contiguous frames for a kernel allocation; may use the reserve below the min
     * watermark. Returns the first frame number; throws ENOMEM if no run is free even after reclaim.
     */
    public int allocateContiguous(int count, FrameUse use) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        if (freeFrames() - count <= watermarks.low()) {
            directReclaim(RECLAIM_WAIT_MILLIS);
        }
        synchronized (this) {
            int first = findRun(count);
            if (first >= 0) {
                for (int i = 0; i < count; i++) {
                    claim(first + i, use);
                }
                return first;
            }
        }
        throw outOfMemory(count);
    }

    public void free(int pfn) {
        synchronized (this) {
            if (!isAllocated(pfn) || ram.use(pfn) == FrameUse.RESERVED) {
                throw new IllegalStateException("double free of frame " + Ram.hex(ram.pa(pfn)));
            }
            // FREE first: from here on the bus refuses the frame. Its bytes go before the frame
            // can be handed out again: dropped any later, they could wipe the next owner's data.
            ram.setUse(pfn, FrameUse.FREE);
            ram.discard(pfn);
            allocated[pfn >>> 6] &= ~(1L << pfn);
            free++;
        }
    }

    private long directReclaim(long waitMillis) {
        long want = watermarks.high() - freeFrames();
        if (want <= 0) {
            return 0;
        }
        directReclaims.increment();
        return shrinker.shrink(want, waitMillis);
    }

    private int takeOne(FrameUse use) {
        int words = allocated.length;
        int start = nextFit >>> 6;
        for (int i = 0; i <= words; i++) {
            int w = (start + i) % words;
            long bits = allocated[w];
            if (bits != -1L) {
                int pfn = (w << 6) + Long.numberOfTrailingZeros(~bits);
                claim(pfn, use);
                nextFit = pfn + 1 < ram.frameCount() ? pfn + 1 : 1;
                return pfn;
            }
        }
        throw new IllegalStateException("free count " + free + " but no free frame in the bitmap");
    }

    private int findRun(int count) {
        int run = 0;
        for (int pfn = 1; pfn < ram.frameCount(); pfn++) {
            long bits = allocated[pfn >>> 6];
            if (bits == -1L) {
                run = 0;
                pfn |= 63;
                continue;
            }
            if ((bits & (1L << pfn)) != 0) {
                run = 0;
            } else if (++run == count) {
                return pfn - count + 1;
            }
        }
        return -1;
    }

    private void claim(int pfn, FrameUse use) {
        allocated[pfn >>> 6] |= 1L << pfn;
        free--;
        ram.discard(pfn);
        ram.setUse(pfn, use);
    }

    private boolean isAllocated(int pfn) {
        return (allocated[pfn >>> 6] & (1L << pfn)) != 0;
    }

    private ErrnoException outOfMemory(int count) {
        return new ErrnoException(Errno.ENOMEM, "out-of-memory", "no " + count + " free physical frame"
                + (count == 1 ? "" : "s") + " (" + freeFrames() + " free, min watermark " + watermarks.min() + ") and nothing left to reclaim");
    }
}
