package org.svafabric.api.bus;

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
}
