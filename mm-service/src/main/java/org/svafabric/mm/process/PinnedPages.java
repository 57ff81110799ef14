package org.svafabric.mm.process;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pins get_user_pages took in one mm, by virtual page: each pin holds one frame. Kept after
 * munmap and exit, because a pinned frame stays allocated until its last unpin (the pinner,
 * e.g. a VFIO container, may still DMA to it). After munmap and a new mapping at the same
 * address a page can hold pins on two frames; unpin releases the newest pin first.
 */
public final class PinnedPages {
    private final Map<Long, Deque<Integer>> byPage = new HashMap<>();
    private long pins;

    public synchronized void add(long va, int pfn) {
        byPage.computeIfAbsent(va, k -> new ArrayDeque<>()).push(pfn);
        pins++;
    }

    public synchronized boolean isPinned(long va) {
        return byPage.containsKey(va);
    }

    /** Drops the newest pin of the page; returns its frame, or -1 if the page holds no pin. */
    public synchronized int release(long va) {
        Deque<Integer> d = byPage.get(va);
        if (d == null) {
            return -1;
        }
        int pfn = d.pop();
        if (d.isEmpty()) {
            byPage.remove(va);
        }
        pins--;
        return pfn;
    }

    /** Each pinned page with the frames its pins hold, newest first. */
    public synchronized Map<Long, List<Integer>> snapshot() {
        Map<Long, List<Integer>> out = new TreeMap<>();
        byPage.forEach((va, frames) -> out.put(va, List.copyOf(frames)));
        return out;
    }

    /** Distinct pinned pages in [start, end). */
    public synchronized long count(long start, long end) {
        return byPage.keySet().stream().filter(va -> va >= start && va < end).count();
    }

    /** Distinct pinned pages. */
    public synchronized long count() {
        return byPage.size();
    }

    /** Pins held (a page pinned twice counts twice). */
    public synchronized long pins() {
        return pins;
    }
}
