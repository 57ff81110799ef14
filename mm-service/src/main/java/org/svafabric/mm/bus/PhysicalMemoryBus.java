package org.svafabric.mm.bus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.bus.BusWire;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Ram;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * RAM as the rest of the machine sees it (the SMMU's walker and queues, DMA engines): physical
 * addresses, bulk copies, 64-bit compare-and-swap, kernel page allocations. Every access is
 * checked against the frame allocator: touching a frame that is free is EFAULT, so a device
 * that uses a frame after its mapping was torn down fails loudly instead of corrupting the
 * frame's next owner. Never takes an mmap lock and never touches the database.
 *
 * <p>A batch is checked as a whole before any byte moves, so a refused batch writes nothing.
 */
public final class PhysicalMemoryBus implements MemoryBus {
    private final Ram ram;
    private final KernelPageAllocator kernelPages;
    private final long maxBatchBytes;
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private final Counter casOps;

    public PhysicalMemoryBus(Ram ram, KernelPageAllocator kernelPages, long maxBatchBytes, MeterRegistry meters) {
        this.ram = ram;
        this.kernelPages = kernelPages;
        this.maxBatchBytes = maxBatchBytes;
        this.bytesRead = Counter.builder("mm.bus.bytes").tag("op", "read").register(meters);
        this.bytesWritten = Counter.builder("mm.bus.bytes").tag("op", "write").register(meters);
        this.casOps = Counter.builder("mm.bus.cas").register(meters);
    }

    @Override
    public byte[] read(long pa, int length) {
        return readBatch(List.of(new Range(pa, length))).get(0);
    }

    @Override
    public List<byte[]> readBatch(List<Range> ranges) {
        checkReads(ranges);
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(ram.read(r.pa(), r.length()));
            bytesRead.increment(r.length());
        }
        return out;
    }

    @Override
    public void readInto(List<Range> ranges, byte[] dst, int offset) {
        MemoryBus.checkSpan(ranges, dst, offset);
        checkReads(ranges);
        int at = offset;
        for (Range r : ranges) {
            ram.read(r.pa(), dst, at, r.length());
            at += r.length();
        }
        bytesRead.increment(at - offset);
    }

    /**
     * A batched read checked as a whole, not yet performed: its length is known before a byte moves (the answer's
     * Content-Length), then {@link CheckedRead#writeTo} streams the ranges' bytes, concatenated (the wire format),
     * straight from the frames.
     */
    public CheckedRead checkRead(List<Range> ranges) {
        return new CheckedRead(List.copyOf(ranges), checkReads(ranges));
    }

    public final class CheckedRead {
        private final List<Range> ranges;
        private final long length;

        private CheckedRead(List<Range> ranges, long length) {
            this.ranges = ranges;
            this.length = length;
        }

        public long length() {
            return length;
        }

        public void writeTo(OutputStream out) throws IOException {
            for (Range r : ranges) {
                ram.readTo(r.pa(), r.length(), out);
            }
            bytesRead.increment(length);
        }
    }

    private long checkReads(List<Range> ranges) {
        long total = BusWire.dataLength(ranges);
        checkTotal(total);
        for (Range r : ranges) {
            checkRange(r.pa(), r.length());
        }
        return total;
    }

    @Override
    public void write(long pa, byte[] data) {
        checkRange(pa, data.length);
        ram.write(pa, data, 0, data.length);
        bytesWritten.increment(data.length);
    }

    @Override
    public void writeBatch(List<Write> writes) {
        for (Write w : writes) {
            checkRange(w.pa(), w.data().length);
        }
        for (Write w : writes) {
            ram.write(w.pa(), w.data(), 0, w.data().length);
            bytesWritten.increment(w.data().length);
        }
    }

    /** A batched write straight from the request body (no copy of the data). */
    public void writeSegments(byte[] body, List<BusWire.Segment> segments) {
        checkSegments(segments);
        writeChecked(body, segments);
    }

    private void checkSegments(List<BusWire.Segment> segments) {
        for (BusWire.Segment s : segments) {
            checkRange(s.pa(), s.length());
        }
    }

    private void writeChecked(byte[] body, List<BusWire.Segment> segments) {
        for (BusWire.Segment s : segments) {
            ram.write(s.pa(), body, s.offset(), s.length());
            bytesWritten.increment(s.length());
        }
    }

    @Override
    public void writeFrom(List<Range> ranges, byte[] src, int offset) {
        MemoryBus.checkSpan(ranges, src, offset);
        for (Range r : ranges) {
            checkRange(r.pa(), r.length());
        }
        int at = offset;
        for (Range r : ranges) {
            ram.write(r.pa(), src, at, r.length());
            at += r.length();
        }
        bytesWritten.increment(at - offset);
    }

    /**
     * A batched write as it arrives ({@link BusWire#stageWrites}): every segment checked first, the staged ones
     * then written from their buffer, the last one copied from {@code rest} straight into the frames. Only a
     * stream that breaks off inside the last segment (the caller went away) leaves part of it written, as a DMA
     * write cut off on the link does; any refusal writes nothing.
     */
    public void writeStaged(BusWire.StagedWrites w, InputStream rest) throws IOException {
        checkSegments(w.staged());
        if (w.last() != null) {
            checkRange(w.last().pa(), w.last().length());
        }
        writeChecked(w.staging(), w.staged());
        if (w.last() != null) {
            ram.writeFrom(rest, w.last().pa(), w.last().length());
            bytesWritten.increment(w.last().length());
        }
    }

    @Override
    public long read64(long pa) {
        checkAligned(pa);
        return ram.read64(pa);
    }

    @Override
    public void write64(long pa, long value) {
        checkAligned(pa);
        ram.write64(pa, value);
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        checkAligned(pa);
        casOps.increment();
        return ram.compareAndExchange64(pa, expected, update);
    }

    @Override
    public long allocKernelPages(String owner, int count) {
        return kernelPages.allocate(owner, count);
    }

    @Override
    public void freeKernelPages(String owner, long pa, int count) {
        kernelPages.free(owner, pa, count);
    }

    private void checkRange(long pa, long length) {
        if (length < 0) {
            throw ErrnoException.invalid("length must not be negative");
        }
        ram.checkAllocated(pa, length);
    }

    private void checkAligned(long pa) {
        if ((pa & 7) != 0) {
            throw ErrnoException.invalid("a 64-bit access must be 8-byte aligned: " + Ram.hex(pa));
        }
        ram.checkAllocated(pa, 8);
    }

    private void checkTotal(long total) {
        if (total > maxBatchBytes) {
            throw new ErrnoException(org.svafabric.api.error.Errno.E2BIG, "batch-too-large", "a bus batch moves at most "
                    + maxBatchBytes + " bytes, asked for " + total);
        }
    }
}
