package org.svafabric.iommu.hw.walker;

import java.util.HashMap;
import java.util.Map;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;

/**
 * Burst reads of translation tables for one batched request (an ATS Translation Request batch):
 * the first descriptor read in a 128-byte line fetches the whole line (16 descriptors) in one bus
 * transaction, as a table walker fetches cache lines, and later walks of the same batch read from
 * it. Consecutive pages share their leaf table's lines, so a batch of 16 pages costs one bus read
 * instead of 16.
 *
 * <p>Why this is safe: the batch takes one fill epoch before its first read, so an invalidation
 * that lands during the batch still stops every cache fill, and a device discards translations it
 * requested before an ATC invalidation arrived. A line is forgotten as soon as this walker
 * updates a descriptor in it (HTTU compare-and-swap), so a re-walk after a race reads RAM again.
 */
public final class DescriptorBurst implements AutoCloseable {
    static final int LINE = 128;
    private static final ThreadLocal<DescriptorBurst> CURRENT = new ThreadLocal<>();

    private final Map<Long, long[]> lines = new HashMap<>();
    private final DescriptorBurst outer;

    private DescriptorBurst(DescriptorBurst outer) {
        this.outer = outer;
    }

    /** Opens a burst scope on this thread until {@link #close}. */
    public static DescriptorBurst open() {
        DescriptorBurst b = new DescriptorBurst(CURRENT.get());
        CURRENT.set(b);
        return b;
    }

    /** The descriptor at {@code pa}: from the open burst's line, or one bus read without a burst. */
    static long read64(MemoryBus bus, long pa) {
        DescriptorBurst b = CURRENT.get();
        if (b == null) {
            return bus.read64(pa);
        }
        long base = pa & -LINE;
        long[] line = b.lines.get(base);
        if (line == null) {
            line = Words.fromBytes(bus.read(base, LINE));
            b.lines.put(base, line);
        }
        return line[(int) ((pa - base) >>> 3)];
    }

    /** Forgets the line holding {@code pa} after this walker changed it. */
    static void forget(long pa) {
        DescriptorBurst b = CURRENT.get();
        if (b != null) {
            b.lines.remove(pa & -LINE);
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
