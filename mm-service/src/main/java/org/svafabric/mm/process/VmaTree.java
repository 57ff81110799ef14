package org.svafabric.mm.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An mm's VMAs, ordered by start, never overlapping. Changes split VMAs at range boundaries
 * and merge neighbours that touch and have the same protection (vma_merge: anonymous private
 * memory with equal flags is one VMA). Not thread-safe: guarded by the mmap lock.
 */
public final class VmaTree {
    /** Linux's default vm.max_map_count: an mm may not have more VMAs (ENOMEM). */
    public static final int MAX_MAP_COUNT = 65530;

    private final TreeMap<Long, Vma> byStart = new TreeMap<>();

    public Vma find(long va) {
        Map.Entry<Long, Vma> e = byStart.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    /** VMAs intersecting [start, end), in order. */
    public List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = byStart.floorEntry(start);
        Long from = first != null && first.getValue().end() > start ? first.getKey() : Long.valueOf(start);
        for (Vma v : byStart.subMap(from, true, end, false).values()) {
            out.add(v);
        }
        return out;
    }

    /** True when every page of [start, end) is inside some VMA. */
    public boolean covers(long start, long end) {
        long at = start;
        for (Vma v : overlapping(start, end)) {
            if (v.start() > at) {
                return false;
            }
            at = v.end();
        }
        return at >= end;
    }

    public boolean isFree(long start, long end) {
        return overlapping(start, end).isEmpty();
    }

    public List<Vma> all() {
        return List.copyOf(byStart.values());
    }

    public int size() {
        return byStart.size();
    }

    /** Highest VMA start below {@code va}'s end, for top-down placement: VMAs in descending order below {@code limit}. */
    NavigableMap<Long, Vma> descendingBelow(long limit) {
        return byStart.headMap(limit, false).descendingMap();
    }

    /** Inserts a VMA over free space, merging with equal neighbours. */
    public void insert(Vma vma) {
        if (!isFree(vma.start(), vma.end())) {
            throw new IllegalStateException("VMA " + vma + " overlaps an existing one");
        }
        byStart.put(vma.start(), vma);
        mergeAround(vma.start(), vma.end());
    }

    /** Removes [start, end) from every VMA, splitting the ones that straddle a boundary. */
    public void remove(long start, long end) {
        for (Vma v : overlapping(start, end)) {
            byStart.remove(v.start());
            if (v.start() < start) {
                byStart.put(v.start(), new Vma(v.start(), start, v.prot()));
            }
            if (v.end() > end) {
                byStart.put(end, new Vma(end, v.end(), v.prot()));
            }
        }
    }

    /** Sets the protection of [start, end) (which must be covered), splitting and merging. */
    public void protect(long start, long end, Prot prot) {
        List<Vma> parts = overlapping(start, end);
        remove(start, end);
        for (Vma v : parts) {
            byStart.put(Math.max(v.start(), start), new Vma(Math.max(v.start(), start), Math.min(v.end(), end), prot));
        }
        mergeAround(start, end);
    }

    /** How many VMAs the tree would hold if [start, end) were split out of it (for the max_map_count check). */
    public int countAfterSplit(long start, long end) {
        int n = byStart.size();
        Vma a = find(start);
        if (a != null && a.start() < start) {
            n++;
        }
        Vma b = end > 0 ? find(end - 1) : null;
        if (b != null && b.end() > end) {
            n++;
        }
        return n;
    }

    private void mergeAround(long start, long end) {
        Map.Entry<Long, Vma> lower = byStart.lowerEntry(start);
        Long key = lower != null ? lower.getKey() : byStart.ceilingKey(start);
        while (key != null && key <= end) {
            Vma v = byStart.get(key);
            Map.Entry<Long, Vma> next = byStart.higherEntry(key);
            if (next != null && next.getValue().start() == v.end() && next.getValue().prot().equals(v.prot())) {
                byStart.remove(next.getKey());
                byStart.put(key, new Vma(v.start(), next.getValue().end(), v.prot()));
                continue;
            }
            key = next == null ? null : next.getKey();
        }
    }
}
