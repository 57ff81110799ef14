package org.svafabric.iommu.hw.queue;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.layout.QueueRegisters;

/**
 * A circular queue of fixed-size little-endian entries in RAM, addressed by PROD/CONS values in the
 * architecture's index-plus-wrap form (Linux {@code Q_IDX}/{@code Q_WRP}): the low {@code log2Size} bits
 * are the index, bit {@code log2Size} the wrap flag. The queue is empty when index and wrap are equal, full
 * when the indices are equal and the wrap flags differ, so all 2^log2Size entries are usable. Bits above
 * the wrap flag (OVFLG, ERR) are carried through {@link #next} untouched. Not thread-safe: its owner
 * serialises access.
 */
public final class RamRing {
    private final MemoryBus bus;
    private final long base;
    private final int log2Size;
    private final int entryBytes;
    private final int entries;
    private final int indexWrapMask;

    public RamRing(MemoryBus bus, long base, int log2Size, int entryBytes) {
        if (log2Size < 0 || log2Size > QueueRegisters.MAX_LOG2SIZE) {
            throw new IllegalArgumentException("LOG2SIZE " + log2Size);
        }
        this.bus = bus;
        this.base = base;
        this.log2Size = log2Size;
        this.entryBytes = entryBytes;
        this.entries = 1 << log2Size;
        this.indexWrapMask = (entries << 1) - 1;
    }

    public int entries() {
        return entries;
    }

    public int log2Size() {
        return log2Size;
    }

    public long base() {
        return base;
    }

    public int index(int p) {
        return p & (entries - 1);
    }

    public boolean wrap(int p) {
        return (p & entries) != 0;
    }

    /** Index and wrap flag only. */
    public int position(int p) {
        return p & indexWrapMask;
    }

    /** {@code p} advanced by one entry, the wrap flag toggling past the end; higher bits kept. */
    public int next(int p) {
        return (p & ~indexWrapMask) | ((p + 1) & indexWrapMask);
    }

    public boolean isEmpty(int prod, int cons) {
        return position(prod) == position(cons);
    }

    public boolean isFull(int prod, int cons) {
        return index(prod) == index(cons) && wrap(prod) != wrap(cons);
    }

    /** Entries between {@code cons} and {@code prod}. */
    public int used(int prod, int cons) {
        return (position(prod) - position(cons)) & indexWrapMask;
    }

    public long entryAddress(int p) {
        return base + (long) index(p) * entryBytes;
    }

    public void write(int p, long[] words) {
        if (words.length * 8 != entryBytes) {
            throw new IllegalArgumentException(words.length + " words for a " + entryBytes + "-byte entry");
        }
        bus.write(entryAddress(p), Words.toBytes(words));
    }

    /** {@code entries} written from {@code p} on, in one bus batch: one run, or two where the ring wraps. */
    public void writeRun(int p, List<long[]> run) {
        List<MemoryBus.Write> writes = new ArrayList<>(2);
        int i = 0;
        while (i < run.size()) {
            int n = Math.min(run.size() - i, entries - index(p));
            byte[] bytes = new byte[n * entryBytes];
            for (int k = 0; k < n; k++) {
                long[] words = run.get(i + k);
                if (words.length * 8 != entryBytes) {
                    throw new IllegalArgumentException(words.length + " words for a " + entryBytes + "-byte entry");
                }
                for (int w = 0; w < words.length; w++) {
                    Words.putLong(bytes, k * entryBytes + w * 8, words[w]);
                }
            }
            writes.add(new MemoryBus.Write(entryAddress(p), bytes));
            for (int k = 0; k < n; k++) {
                p = next(p);
            }
            i += n;
        }
        bus.writeBatch(writes);
    }

    public long[] read(int p) {
        return Words.fromBytes(bus.read(entryAddress(p), entryBytes));
    }

    /**
     * Up to {@code max} consecutive entries from {@code cons} towards {@code prod}, in one bus read: the run
     * stops at the end of the ring, so it never wraps. Empty when the queue is.
     */
    public long[][] readRun(int prod, int cons, int max) {
        int n = Math.min(Math.min(used(prod, cons), entries - index(cons)), max);
        if (n == 0) {
            return new long[0][];
        }
        long[] words = Words.fromBytes(bus.read(entryAddress(cons), n * entryBytes));
        int perEntry = entryBytes / 8;
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new long[perEntry];
            System.arraycopy(words, i * perEntry, out[i], 0, perEntry);
        }
        return out;
    }
}
