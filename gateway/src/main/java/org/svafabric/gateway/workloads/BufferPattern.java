package org.svafabric.gateway.workloads;

/**
 * The bytes a workload writes into its memcpy sources: a pseudo-random stream fixed by a seed and
 * the offset, so a destination can be checked piece by piece without keeping a copy of the source.
 */
final class BufferPattern {
    private BufferPattern() {
    }

    /** Fills {@code out} with the pattern's bytes at [offset, offset + out.length); offset is a multiple of 8. */
    static void fill(long seed, long offset, byte[] out) {
        for (int i = 0; i < out.length; i += 8) {
            long w = mix(seed + (offset + i) / 8 * 0x9E3779B97F4A7C15L);
            for (int b = 0; b < 8 && i + b < out.length; b++) {
                out[i + b] = (byte) (w >>> (8 * b));
            }
        }
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser, as in SplittableRandom. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
