package org.svafabric.mm.ram;

/**
 * Frees frames under memory pressure (the page-reclaim side of direct reclaim). Called by the
 * allocator from any thread, possibly one that holds an mm's mmap lock: an implementation may
 * wait for another mm's lock at most {@code waitMillis} (so two threads reclaiming from each
 * other's mm cannot deadlock) and must not throw.
 */
@FunctionalInterface
public interface Shrinker {
    /** Tries to free at least {@code frames} frames; returns how many it freed. */
    long shrink(long frames, long waitMillis);

    Shrinker NONE = (frames, waitMillis) -> 0;
}
