package org.svafabric.device.engine;

/**
 * The POSIX drand48 family's linear congruential generator:
 * X(n+1) = (0x5DEECE66D * X(n) + 0xB) mod 2^48, seeded as srand48 does: X0 = (seed << 16) | 0x330E
 * (the low 32 bits of the seed).
 *
 * <p>Bytes written by RAND48: each step yields bits [47:16] of the new X, the 32-bit value
 * mrand48() returns, stored little-endian (4 bytes per step) — what
 * {@code for (...) *(uint32_t *)p = mrand48();} writes on arm64. A length that is not a
 * multiple of 4 ends with the low-order bytes of one more step. (lrand48 would be X >> 17:
 * 31 bits; this stream keeps all 32.)
 */
public final class Rand48 {
    static final long A = 0x5DEECE66DL;
    static final long C = 0xBL;
    static final long MASK = (1L << 48) - 1;

    private long x;
    /** Bytes of the current 32-bit output not yet handed out, little-endian order. */
    private int pending;
    private int pendingBytes;

    public Rand48(long seed) {
        x = ((seed & 0xFFFF_FFFFL) << 16 | 0x330EL) & MASK;
    }

    /** The next mrand48() value: bits [47:16] of the next state. */
    public int next32() {
        x = (A * x + C) & MASK;
        return (int) (x >>> 16);
    }

    /** Fills {@code out} with the continuing byte stream (segments of one job join seamlessly). */
    public void fill(byte[] out) {
        int i = 0;
        while (i < out.length) {
            if (pendingBytes == 0) {
                pending = next32();
                pendingBytes = 4;
            }
            out[i++] = (byte) pending;
            pending >>>= 8;
            pendingBytes--;
        }
    }
}
