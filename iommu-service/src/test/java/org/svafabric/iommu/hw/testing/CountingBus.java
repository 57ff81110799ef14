package org.svafabric.iommu.hw.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.svafabric.api.bus.LocalMemoryBus;

/**
 * RAM that counts its bus requests as mm-service would receive them from {@code MemoryBusClient} (a batch is
 * one request) and remembers the ranges read; {@link #abortNextBatch} makes the next batched read fail once,
 * like a transient external abort.
 */
public final class CountingBus extends LocalMemoryBus {
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Range> reads = new CopyOnWriteArrayList<>();
    private volatile boolean abortNextBatch;

    /** Requests since the last {@link #reset}: reads, writes and compare-and-swaps, a batch counting once. */
    public int requests() {
        return requests.get();
    }

    /** The ranges read since the last {@link #reset}, in order (those of a batch one by one). */
    public List<Range> reads() {
        return List.copyOf(reads);
    }

    public void reset() {
        requests.set(0);
        reads.clear();
    }

    public void abortNextBatch() {
        abortNextBatch = true;
    }

    @Override
    public byte[] read(long pa, int length) {
        requests.incrementAndGet();
        reads.add(new Range(pa, length));
        return super.read(pa, length);
    }

    @Override
    public long read64(long pa) {
        requests.incrementAndGet();
        reads.add(new Range(pa, 8));
        return super.read64(pa);
    }

    @Override
    public List<byte[]> readBatch(List<Range> ranges) {
        requests.incrementAndGet();
        if (abortNextBatch) {
            abortNextBatch = false;
            throw new IllegalStateException("external abort on a batched read at 0x" + Long.toHexString(ranges.get(0).pa()));
        }
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            reads.add(r);
            out.add(super.read(r.pa(), r.length()));
        }
        return out;
    }

    @Override
    public void write(long pa, byte[] data) {
        requests.incrementAndGet();
        super.write(pa, data);
    }

    @Override
    public void write64(long pa, long value) {
        requests.incrementAndGet();
        super.write64(pa, value);
    }

    @Override
    public void writeBatch(List<Write> writes) {
        requests.incrementAndGet();
        for (Write w : writes) {
            super.write(w.pa(), w.data());
        }
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        requests.incrementAndGet();
        return super.compareAndSwap64(pa, expected, update);
    }
}
