package org.svafabric.mm.ram;

/** What a physical frame is used for; like the page flags that tell a struct page's owner. */
public enum FrameUse {
    /** On the free list: nobody may read or write it, the memory bus refuses access. */
    FREE,
    /** Anonymous user memory of a process. */
    ANON,
    /** A translation table of a process's stage-1 page tables (pgd and below). */
    PAGE_TABLE,
    /** A kernel allocation made over the memory bus by another service (SMMU tables, queues, io-pgtables). */
    KERNEL,
    /** Never handed out (frame 0, so that a zero physical address is never a valid frame). */
    RESERVED;

    private static final FrameUse[] VALUES = values();

    static FrameUse of(int ordinal) {
        return VALUES[ordinal];
    }
}
