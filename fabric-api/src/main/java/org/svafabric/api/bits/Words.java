package org.svafabric.api.bits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian conversion between architectural structures (64-bit words) and their bytes in RAM. */
public final class Words {
    private Words() {
    }

    public static byte[] toBytes(long[] words) {
        ByteBuffer buf = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            buf.putLong(w);
        }
        return buf.array();
    }

    public static long[] fromBytes(byte[] bytes) {
        if (bytes.length % 8 != 0) {
            throw new IllegalArgumentException("length " + bytes.length + " is not a multiple of 8");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] words = new long[bytes.length / 8];
        for (int i = 0; i < words.length; i++) {
            words[i] = buf.getLong();
        }
        return words;
    }

    public static long getLong(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public static void putLong(byte[] bytes, int offset, long value) {
        ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    }
}
