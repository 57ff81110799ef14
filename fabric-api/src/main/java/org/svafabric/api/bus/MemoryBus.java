package org.svafabric.api.bus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.svafabric.api.bits.Words;

/**
 * The machine's memory bus: physical RAM as seen by everything that is not the CPU (the SMMU's
 * table walker and queues, DMA engines). RAM itself lives only in mm-service; other services
 * reach it through an implementation of this interface that talks to mm-service. Multi-byte
 * values are little-endian, as on arm64.
 */
public interface MemoryBus {

    /** One physical range of a batched read. */
    record Range(long pa, int length) {
    }

    /** One physical range of a batched write. */
    record Write(long pa, byte[] data) {
    }

    byte[] read(long pa, int length);

    void write(long pa, byte[] data);

    /**
     * Atomic 64-bit compare-and-swap of an 8-byte aligned location (the hardware Access/Dirty
     * flag update of HTTU). Returns the value found: the swap took place iff it equals
     * {@code expected}.
     */
    long compareAndSwap64(long pa, long expected, long update);

    default List<byte[]> readBatch(List<Range> ranges) {
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(read(r.pa(), r.length()));
        }
        return out;
    }

    default void writeBatch(List<Write> writes) {
        for (Write w : writes) {
            write(w.pa(), w.data());
        }
    }

    /**
     * Reads {@code ranges} as one batch into {@code dst} from {@code offset}, each range's bytes right after the
     * previous one's (as the wire carries them): a caller that moves data into its own buffer gets it without
     * intermediate arrays where the implementation can (the HTTP client reads the answer straight into {@code dst}).
     */
    default void readInto(List<Range> ranges, byte[] dst, int offset) {
        checkSpan(ranges, dst, offset);
        int at = offset;
        for (byte[] part : readBatch(ranges)) {
            System.arraycopy(part, 0, dst, at, part.length);
            at += part.length;
        }
    }

    /**
     * Writes {@code ranges} as one batch from {@code src} at {@code offset}, each range taking the bytes right after
     * the previous one's; the same all-or-nothing checks as {@link #writeBatch}.
     */
    default void writeFrom(List<Range> ranges, byte[] src, int offset) {
        checkSpan(ranges, src, offset);
        List<Write> writes = new ArrayList<>(ranges.size());
        int at = offset;
        for (Range r : ranges) {
            writes.add(new Write(r.pa(), Arrays.copyOfRange(src, at, at + r.length())));
            at += r.length();
        }
        writeBatch(writes);
    }

    /** Refuses a buffer too short for {@code ranges} before anything moves. */
    static void checkSpan(List<Range> ranges, byte[] buffer, int offset) {
        long total = BusWire.dataLength(ranges);
        if (offset < 0 || offset + total > buffer.length) {
            throw new IndexOutOfBoundsException("a batch of " + total + " bytes does not fit a buffer of " + buffer.length
                    + " bytes from " + offset);
        }
    }

    default long read64(long pa) {
        return Words.getLong(read(pa, 8), 0);
    }

    default void write64(long pa, long value) {
        byte[] b = new byte[8];
        Words.putLong(b, 0, value);
        write(pa, b);
    }

    /**
     * Allocates {@code count} physically contiguous, zeroed 4 KiB pages owned by {@code owner}
     * (a kernel allocation: SMMU tables, queues, io-pgtables) and returns the first page's PA.
     * The pages are never reclaimed; the owner frees them.
     */
    long allocKernelPages(String owner, int count);

    void freeKernelPages(String owner, long pa, int count);
}
