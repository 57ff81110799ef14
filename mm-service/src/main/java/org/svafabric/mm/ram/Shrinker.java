package org.svafabric.mm.ram;

/**
 * Frees frames under memory pressure (the page-reclaim side of direct reclaim). Called by the
 * allocator from any thread, possibly one that holds an mm's mmap lock: an implementation must
 * not block on another mm's lock (try-lock only) and must not throw.
 */
@FunctionalInterface
public interface Shrinker {
    /** Tries to free at least {@code frames} frames; returns how many it freed. */
    long shrink(long frames);

    Shrinker NONE = frames -> 0;
}
