package org.svafabric.mm.process;

import org.svafabric.api.pagetable.Vmsa;

/**
 * Where mmap places anonymous memory, as Linux's top-down layout does (mm/util.c mmap_base,
 * vm_unmapped_area): below mmap_base, the highest gap that fits. mmap_base leaves the minimum
 * stack gap (128 MiB) under the top of the 48-bit user space; the simulation does not randomise
 * it (no ASLR), so layouts are reproducible. A hint is honoured when the range there is free.
 */
public final class MmapLayout {
    /** TASK_SIZE of a 48-bit arm64 user space. */
    public static final long TASK_SIZE = Vmsa.USER_VA_END;
    /** MIN_GAP: the stack gap mmap_base keeps below TASK_SIZE. */
    public static final long MIN_GAP = 128L << 20;
    public static final long MMAP_BASE = TASK_SIZE - MIN_GAP;
    /** vm.mmap_min_addr as distributions set it: the low 64 KiB are never mapped. */
    public static final long MMAP_MIN_ADDR = 0x10000;

    private MmapLayout() {
    }

    /** The address for {@code length} bytes (page multiple), or -1 if no gap fits. */
    public static long place(VmaTree vmas, long length, long hint) {
        if (hint != 0) {
            long h = Vmsa.pageUp(hint);
            if (h >= MMAP_MIN_ADDR && h <= TASK_SIZE - length && vmas.isFree(h, h + length)) {
                return h;
            }
        }
        return topDown(vmas, length);
    }

    private static long topDown(VmaTree vmas, long length) {
        long gapEnd = MMAP_BASE;
        Vma straddling = vmas.find(MMAP_BASE - 1);
        if (straddling != null) {
            gapEnd = straddling.start();
        }
        for (Vma v : vmas.descendingBelow(gapEnd).values()) {
            if (v.end() <= gapEnd && gapEnd - v.end() >= length) {
                return gapEnd - length;
            }
            gapEnd = Math.min(gapEnd, v.start());
        }
        return gapEnd - MMAP_MIN_ADDR >= length ? gapEnd - length : -1;
    }
}
