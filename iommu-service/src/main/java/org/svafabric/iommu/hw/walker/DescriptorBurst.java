package org.svafabric.iommu.hw.walker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;

/**
 * Burst reads of translation tables for one batched request (an ATS Translation Request batch):
 * the first descriptor read in a 128-byte line fetches the whole line (16 descriptors) in one bus
 * transaction, as a table walker fetches cache lines, and later walks of the same batch read from
 * it. Consecutive pages share their leaf table's lines, so a batch of 16 pages costs one bus read
 * instead of 16. A larger batch reads a longer run ({@link #open(int)}): the leaf descriptors of all its
 * pages, up to a whole 4 KiB table, in one bus read, as a walker prefetching ahead of a long request would.
 *
 * <p>A batch whose pages lie in several tables would still read one run after another, one bus round trip
 * each. {@link #prefetch} starts them together, as a walker keeps several table walks outstanding: the runs
 * of the descriptors the batch's walks will read first (known where the walk cache holds their tables) come
 * in one {@link MemoryBus#readBatch}, and each walk then finds its run here.
 *
 * <p>Why this is safe: the batch takes one fill epoch before its first read (a prefetch included), so an
 * invalidation that lands during the batch still stops every cache fill, and a device discards translations
 * it requested before an ATC invalidation arrived. A line is forgotten as soon as this walker
 * updates a descriptor in it (HTTU compare-and-swap), so a re-walk after a race reads RAM again.
 *
 * <p>Cost: the timing model prices descriptors, not bus transactions ({@link CostMeter#descriptorsRead}
 * counts each descriptor a walk uses, from a line or not), so neither a burst nor a prefetch changes a
 * batch's model time; they save wall-clock round trips to mm-service.
 */
public final class DescriptorBurst implements AutoCloseable {
    static final int LINE = 128;
    /** A whole translation table (4 KiB granule): a run never crosses into the next table. */
    static final int MAX_RUN = 4096;
    /** Bytes one prefetch reads at most (16 whole tables); runs beyond are left to their walks. */
    static final int MAX_PREFETCH = 16 * MAX_RUN;
    private static final ThreadLocal<DescriptorBurst> CURRENT = new ThreadLocal<>();

    private final Map<Long, long[]> lines = new HashMap<>();
    private final DescriptorBurst outer;
    /** Bytes one miss reads: a power of two from {@link #LINE} to {@link #MAX_RUN}, aligned to itself. */
    private final int run;

    private DescriptorBurst(DescriptorBurst outer, int run) {
        this.outer = outer;
        this.run = run;
    }

    /** Opens a burst scope on this thread until {@link #close}, reading one 128-byte line per miss. */
    public static DescriptorBurst open() {
        return open(1);
    }

    /** The same for a batch of {@code pages} consecutive pages: a miss reads their leaf descriptors' run at once. */
    public static DescriptorBurst open(int pages) {
        int want = Integer.highestOneBit(Math.max(1, Math.min(pages, MAX_RUN / 8)) * 8 * 2 - 1);
        DescriptorBurst b = new DescriptorBurst(CURRENT.get(), Math.max(LINE, Math.min(MAX_RUN, want)));
        CURRENT.set(b);
        return b;
    }

    /** The descriptor at {@code pa}: from the open burst's line, or one bus read without a burst. */
    static long read64(MemoryBus bus, long pa) {
        DescriptorBurst b = CURRENT.get();
        if (b == null) {
            return bus.read64(pa);
        }
        long base = pa & -b.run;
        long[] line = b.lines.get(base);
        if (line == null) {
            line = Words.fromBytes(bus.read(base, b.run));
            b.lines.put(base, line);
        }
        return line[(int) ((pa - base) >>> 3)];
    }

    /**
     * Reads, in one bus request, the runs holding the first {@code n} descriptors of {@code pas} that the open
     * burst does not hold yet, so walks that would each have missed find their run. Fewer than two such runs
     * are left to the walks, which read them exactly as they would anyway. A bus error keeps nothing: each
     * walk then reads its own run, so an external abort (F_WALK_EABT) names that walk's descriptor, as before.
     */
    static void prefetch(MemoryBus bus, long[] pas, int n) {
        DescriptorBurst b = CURRENT.get();
        if (b == null) {
            return;
        }
        Set<Long> bases = new LinkedHashSet<>();
        for (int i = 0; i < n && bases.size() < MAX_PREFETCH / b.run; i++) {
            long base = pas[i] & -b.run;
            if (!b.lines.containsKey(base)) {
                bases.add(base);
            }
        }
        if (bases.size() < 2) {
            return;
        }
        List<MemoryBus.Range> ranges = new ArrayList<>(bases.size());
        for (long base : bases) {
            ranges.add(new MemoryBus.Range(base, b.run));
        }
        List<byte[]> runs;
        try {
            runs = bus.readBatch(ranges);
        } catch (RuntimeException e) {
            return;
        }
        for (int i = 0; i < ranges.size(); i++) {
            b.lines.put(ranges.get(i).pa(), Words.fromBytes(runs.get(i)));
        }
    }

    /** Forgets the line holding {@code pa} after this walker changed it. */
    static void forget(long pa) {
        DescriptorBurst b = CURRENT.get();
        if (b != null) {
            b.lines.remove(pa & -b.run);
        }
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
