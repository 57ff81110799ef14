package org.svafabric.iommu.driver;

import org.svafabric.api.bus.MemoryBus;

/**
 * Naturally aligned coherent allocations (what {@code dmam_alloc_coherent} gives the driver) over the memory bus, which hands out contiguous pages with no
 * alignment beyond 4 KiB and frees only whole allocations. The SMMU ignores the low bits of the addresses of
 * its tables and queues (a level-2 stream table or CD leaf, a linear table, a queue are aligned to their
 * size), so the driver places them on their size, as {@code dma_alloc_coherent}'s power-of-two allocations
 * are.
 */
final class CoherentPages {
    static final int PAGE = 4096;

    /**
     * An aligned block at {@code pa} inside the bus allocation of {@code count} pages at {@code first}, which
     * is what goes back to the bus.
     */
    record Allocation(long pa, long first, int count) {
        void free(MemoryBus bus, String owner) {
            bus.freeKernelPages(owner, first, count);
        }
    }

    private CoherentPages() {
    }

    /** Pages for {@code bytes}, rounded up to a power of two. */
    static int pagesFor(long bytes) {
        long pages = Math.max(1, (bytes + PAGE - 1) / PAGE);
        return (int) (pages == 1 ? 1 : Long.highestOneBit(pages - 1) << 1);
    }

    /**
     * {@code pages} (a power of two) contiguous zeroed pages aligned to their total size: the allocation as it
     * comes when it happens to be aligned, else one of 2 × pages - 1, which always contains an aligned block.
     */
    static Allocation allocAligned(MemoryBus bus, String owner, int pages) {
        if (Integer.bitCount(pages) != 1) {
            throw new IllegalArgumentException(pages + " pages is not a power of two");
        }
        long size = (long) pages * PAGE;
        long pa = bus.allocKernelPages(owner, pages);
        if ((pa & (size - 1)) == 0) {
            return new Allocation(pa, pa, pages);
        }
        bus.freeKernelPages(owner, pa, pages);
        int span = 2 * pages - 1;
        long wide = bus.allocKernelPages(owner, span);
        return new Allocation((wide + size - 1) & -size, wide, span);
    }
}
