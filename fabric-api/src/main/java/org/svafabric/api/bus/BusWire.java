package org.svafabric.api.bus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary framing of mm-service's memory bus, shared by client and server so it is written
 * once. Headers are big-endian (network order); data is carried as RAM holds it (arm64:
 * little-endian multi-byte values), untouched.
 * <pre>
 *   read request:  repeated { u64 pa, u32 length }           response: the ranges' bytes, concatenated
 *   write request: repeated { u64 pa, u32 length, length bytes }
 * </pre>
 * Lengths are unsigned on the wire but must fit a Java array: above 2^31-1 is refused.
 */
public final class BusWire {
    private BusWire() {
    }

    public static final int HEADER_BYTES = 12;

    /** The two data-path exchanges (POST, application/octet-stream both ways). */
    public static final String READ_PATH = "/mm/v1/bus/read";
    public static final String WRITE_PATH = "/mm/v1/bus/write";

    /** One write of a decoded request: {@code length} bytes at {@code offset} of the request body go to {@code pa}. */
    public record Segment(long pa, int offset, int length) {
    }

    public static byte[] encodeReads(List<MemoryBus.Range> ranges) {
        ByteBuffer b = ByteBuffer.allocate(ranges.size() * HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        for (MemoryBus.Range r : ranges) {
            b.putLong(r.pa()).putInt(r.length());
        }
        return b.array();
    }

    /** Decodes a read request; throws IllegalArgumentException on a truncated body or a bad length. */
    public static List<MemoryBus.Range> decodeReads(byte[] body) {
        if (body.length % HEADER_BYTES != 0) {
            throw new IllegalArgumentException("a bus read request is a sequence of 12-byte (u64 pa, u32 length) headers; got "
                    + body.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN);
        List<MemoryBus.Range> out = new ArrayList<>(body.length / HEADER_BYTES);
        while (b.hasRemaining()) {
            long pa = b.getLong();
            int length = b.getInt();
            if (length < 0) {
                throw new IllegalArgumentException("bus read length " + Integer.toUnsignedString(length) + " is too large");
            }
            out.add(new MemoryBus.Range(pa, length));
        }
        return out;
    }

    public static byte[] encodeWrites(List<MemoryBus.Write> writes) {
        long total = 0;
        for (MemoryBus.Write w : writes) {
            total += HEADER_BYTES + w.data().length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bus write batch of " + total + " bytes is too large for one request");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.BIG_ENDIAN);
        for (MemoryBus.Write w : writes) {
            b.putLong(w.pa()).putInt(w.data().length).put(w.data());
        }
        return b.array();
    }

    /** Decodes a write request without copying the data; throws IllegalArgumentException on a truncated body. */
    public static List<Segment> decodeWrites(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN);
        List<Segment> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < HEADER_BYTES) {
                throw new IllegalArgumentException("truncated bus write header at byte " + b.position());
            }
            long pa = b.getLong();
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new IllegalArgumentException("bus write of " + Integer.toUnsignedString(length) + " bytes at byte "
                        + (b.position() - HEADER_BYTES) + " runs past the end of the body");
            }
            out.add(new Segment(pa, b.position(), length));
            b.position(b.position() + length);
        }
        return out;
    }

    /** The bytes a batch of ranges moves. */
    public static long dataLength(List<MemoryBus.Range> ranges) {
        long total = 0;
        for (MemoryBus.Range r : ranges) {
            total += r.length();
        }
        return total;
    }

    /** The length of the write request that carries {@code ranges}' data. */
    public static long writeRequestLength(List<MemoryBus.Range> ranges) {
        return (long) ranges.size() * HEADER_BYTES + dataLength(ranges);
    }

    /**
     * Writes the write request of {@code ranges} to {@code out}, range i's data being the {@code ranges.get(i).length()}
     * bytes of {@code src} after range i-1's, from {@code offset}: headers and data go out as they are, no body is
     * assembled first.
     */
    public static void writeWrites(OutputStream out, List<MemoryBus.Range> ranges, byte[] src, int offset) throws IOException {
        byte[] h = new byte[HEADER_BYTES];
        int at = offset;
        for (MemoryBus.Range r : ranges) {
            out.write(header(h, r.pa(), r.length()));
            out.write(src, at, r.length());
            at += r.length();
        }
    }

    /** The same for writes that each carry their own data. */
    public static void writeWrites(OutputStream out, List<MemoryBus.Write> writes) throws IOException {
        byte[] h = new byte[HEADER_BYTES];
        for (MemoryBus.Write w : writes) {
            out.write(header(h, w.pa(), w.data().length));
            out.write(w.data());
        }
    }

    private static byte[] header(byte[] h, long pa, int length) {
        ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN).putLong(pa).putInt(length);
        return h;
    }

    /**
     * A write request read from a stream, up to the last segment's data: the data of every segment before the last
     * is staged in {@code staging} ({@code staged} locates it there), the last segment's header is {@code last} (null
     * for an empty batch) and its data is still in the stream. A batch is checked as a whole before any byte is
     * written, and the headers come between the data, so the earlier segments' data must wait somewhere until the
     * last header is known; the last one, usually most or all of the batch (one contiguous run), can go straight to RAM.
     */
    public record StagedWrites(byte[] staging, List<Segment> staged, MemoryBus.Range last) {
    }

    /**
     * Reads a write request of {@code bodyLength} bytes (its Content-Length) from {@code in} as {@link StagedWrites};
     * throws IllegalArgumentException on a truncated header, a length past the end of the body or a stream that ends
     * before {@code bodyLength}.
     */
    public static StagedWrites stageWrites(InputStream in, long bodyLength) throws IOException {
        List<Segment> staged = new ArrayList<>();
        byte[] staging = null;
        int stagedBytes = 0;
        byte[] h = new byte[HEADER_BYTES];
        long pos = 0;
        while (pos < bodyLength) {
            if (bodyLength - pos < HEADER_BYTES) {
                throw new IllegalArgumentException("truncated bus write header at byte " + pos);
            }
            readFully(in, h, 0, HEADER_BYTES, pos, bodyLength);
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN);
            long pa = b.getLong();
            int length = b.getInt();
            pos += HEADER_BYTES;
            if (length < 0 || length > bodyLength - pos) {
                throw new IllegalArgumentException("bus write of " + Integer.toUnsignedString(length) + " bytes at byte "
                        + (pos - HEADER_BYTES) + " runs past the end of the body");
            }
            if (pos + length == bodyLength) {
                return new StagedWrites(staging, staged, new MemoryBus.Range(pa, length));
            }
            if (bodyLength - pos - length < HEADER_BYTES) {
                throw new IllegalArgumentException("truncated bus write header at byte " + (pos + length));
            }
            if (staging == null) {
                // At least one more header follows, so the staged data is at most this much.
                staging = new byte[(int) (bodyLength - pos - HEADER_BYTES)];
            }
            readFully(in, staging, stagedBytes, length, pos, bodyLength);
            staged.add(new Segment(pa, stagedBytes, length));
            stagedBytes += length;
            pos += length;
        }
        return new StagedWrites(staging, staged, null);
    }

    private static void readFully(InputStream in, byte[] b, int off, int length, long pos, long bodyLength) throws IOException {
        if (in.readNBytes(b, off, length) != length) {
            throw new IllegalArgumentException("the bus write body ended before byte " + (pos + length) + " of the "
                    + bodyLength + " its length announced");
        }
    }
}
