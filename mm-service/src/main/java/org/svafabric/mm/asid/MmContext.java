package org.svafabric.mm.asid;

/**
 * The ASID part of an mm's context (arm64's mm_context_t): {@code id} holds the generation in the
 * bits above the ASID width and the ASID below; {@code pinned} counts users (SMMU contexts) that
 * need the ASID to stay fixed. Guarded by the {@link AsidAllocator}'s lock.
 */
public final class MmContext {
    long id;
    int pinned;

    /** The ASID (without generation) this mm last got; 0 before it first ran. */
    public int asid(AsidAllocator allocator) {
        return allocator.asidOf(this);
    }

    @Override
    public String toString() {
        return "MmContext[id=0x" + Long.toHexString(id) + ", pinned=" + pinned + "]";
    }
}
