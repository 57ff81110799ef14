package org.svafabric.api.pagetable;

/**
 * Geometry of the VMSAv8-64 translation regime used throughout the fabric: 4 KiB granule,
 * 48-bit virtual addresses (T0SZ = 16), four levels of 512 eight-byte descriptors.
 */
public final class Vmsa {
    private Vmsa() {
    }

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final long PAGE_MASK = ~(PAGE_SIZE - 1);
    public static final int VA_BITS = 48;
    /** T0SZ that gives a 48-bit input range. */
    public static final int T0SZ_48 = 64 - VA_BITS;
    public static final int LEVELS = 4;
    public static final int BITS_PER_LEVEL = 9;
    public static final int ENTRIES_PER_TABLE = 1 << BITS_PER_LEVEL;
    public static final int DESCRIPTOR_SIZE = 8;
    public static final long USER_VA_END = 1L << VA_BITS;

    /** Lowest bit of the VA indexed at {@code level}: 39, 30, 21, 12. */
    public static int levelShift(int level) {
        return PAGE_SHIFT + BITS_PER_LEVEL * (LEVELS - 1 - level);
    }

    /** Index of {@code va}'s descriptor in its level-{@code level} table. */
    public static int index(long va, int level) {
        return (int) ((va >>> levelShift(level)) & (ENTRIES_PER_TABLE - 1));
    }

    /** Byte size mapped by one descriptor at {@code level}: 512 GiB, 1 GiB, 2 MiB, 4 KiB. */
    public static long levelSize(int level) {
        return 1L << levelShift(level);
    }

    /**
     * First lookup level for a 4 KiB granule given T0SZ (Arm ARM: input size 64 - T0SZ; each
     * level resolves 9 bits above the 12-bit page offset).
     */
    public static int startLevel(int t0sz) {
        int inputBits = 64 - t0sz;
        int levels = (inputBits - PAGE_SHIFT + BITS_PER_LEVEL - 1) / BITS_PER_LEVEL;
        return LEVELS - levels;
    }

    public static boolean isPageAligned(long v) {
        return (v & (PAGE_SIZE - 1)) == 0;
    }

    public static long pageDown(long v) {
        return v & PAGE_MASK;
    }

    public static long pageUp(long v) {
        return (v + PAGE_SIZE - 1) & PAGE_MASK;
    }
}
