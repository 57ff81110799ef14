package org.svafabric.device.pcie;

import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsStatus;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.svafabric.api.pagetable.Vmsa;

/**
 * A PCIe function's Address Translation Cache: translations from ATS Translation Completions,
 * keyed by PASID (or none) and 4 KiB page, least recently used evicted first.
 *
 * <p>Invariant: no access uses a translation after the invalidation that removed it completed.
 * Accesses look entries up and touch RAM while holding the in-flight lock shared;
 * {@link #invalidate} removes the entries and then takes that lock exclusively, so it returns
 * only once every access that could have used them finished. A translation requested before
 * an invalidation and completed after it is stale: {@link #fill} refuses it (the
 * invalidation generation moved), and the device asks again.
 */
public final class AddressTranslationCache {
    /** The key of translations requested without a PASID prefix. */
    public static final int NO_PASID = -1;

    private record Key(int pasid, long page) {
        /**
         * By page number: the record's own hash keeps the page's zero low 12 bits, so every 16 neighbouring
         * pages shared a HashMap bucket and the cache's lookups walked tree bins.
         */
        @Override
        public int hashCode() {
            return 31 * pasid + Long.hashCode(page >>> 12);
        }
    }

    /** One cached translation of a 4 KiB page and the permissions the completion granted. */
    public record Entry(long pa, boolean read, boolean write, boolean exec, boolean priv) {
        boolean permits(boolean forWrite, boolean forExec) {
            return read && (!forWrite || write) && (!forExec || exec);
        }
    }

    /**
     * The outcome of a lookup for one access. A hit holds the in-flight lock until
     * {@link #close()}: the caller touches RAM at {@link #pas()} and then closes it, on the
     * same thread. A miss holds nothing and names the pages to translate.
     */
    public static final class Access implements AutoCloseable {
        private final long[] pas;
        private final List<Long> missing;
        private Lock held;

        private Access(long[] pas, List<Long> missing, Lock held) {
            this.pas = pas;
            this.missing = missing;
            this.held = held;
        }

        public boolean hit() {
            return missing.isEmpty();
        }

        /** Physical page address of each page of the access (a hit). */
        public long[] pas() {
            return pas;
        }

        /** Pages without a usable translation (a miss), in address order. */
        public List<Long> missing() {
            return missing;
        }

        @Override
        public void close() {
            if (held != null) {
                held.unlock();
                held = null;
            }
        }
    }

    private final int capacity;
    private final AtcListener trace;
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
    /** Guarded by {@code this}. */
    private final LinkedHashMap<Key, Entry> entries;
    /** Guarded by {@code this}: the number of invalidations so far. */
    private long generation;

    public AddressTranslationCache(int capacity, AtcListener trace) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an ATC needs at least one entry");
        }
        this.capacity = capacity;
        this.trace = trace;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > AddressTranslationCache.this.capacity;
            }
        };
    }

    public int capacity() {
        return capacity;
    }

    /**
     * How many segments an engine streaming through memory may translate ahead of the one it moves, at most
     * {@code wanted}, without this LRU evicting a segment's translations before the segment moves.
     *
     * <p>In the worst order the lookahead fills k+w as soon as the engine reaches k, before the engine uses k. The
     * entries used more recently than k's fill (at step k-w) are then the w segments moved since (a use counts as
     * recent) and the w-1 filled since; with k and k+w that is 2w+1 segments, so {@code 2w + 1 <= capacity /
     * entriesPerSegment}. A window of capacity/segment - 1, the count that merely fits, thrashes: each fill can
     * evict the next segment to move, which the engine then translates again, span by span.
     */
    public int streamingLookahead(int entriesPerSegment, int wanted) {
        int segments = capacity / Math.max(1, entriesPerSegment);
        return Math.max(0, Math.min(wanted, (segments - 1) / 2));
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long generation() {
        return generation;
    }

    /** One cached translation, for the audit: {@code pasid} null for untagged (PASID-less) requests. */
    public record Cached(Integer pasid, long page, long pa) {
    }

    /** Every cached translation (LRU order unchanged). */
    public synchronized List<Cached> snapshot() {
        List<Cached> out = new ArrayList<>(entries.size());
        entries.forEach((k, e) -> out.add(new Cached(k.pasid() == NO_PASID ? null : k.pasid(), k.page(), e.pa())));
        return out;
    }

    /** The cached translation of one page, or null; does not count as a use (LRU order unchanged). */
    public synchronized Entry peek(Integer pasid, long page) {
        Key wanted = new Key(key(pasid), page);
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            if (e.getKey().equals(wanted)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Looks up every page of one access. On a hit the in-flight lock stays held (shared) until
     * the returned access is closed; on a miss it is already released.
     */
    public Access lookup(Integer pasid, long[] pages, boolean write, boolean exec) {
        Lock shared = inFlight.readLock();
        shared.lock();
        long[] pas = new long[pages.length];
        List<Long> missing = new ArrayList<>();
        synchronized (this) {
            int k = key(pasid);
            for (int i = 0; i < pages.length; i++) {
                Entry e = entries.get(new Key(k, pages[i]));
                if (e != null && e.permits(write, exec)) {
                    pas[i] = e.pa();
                } else {
                    missing.add(pages[i]);
                }
            }
        }
        trace.lookedUp(pages.length - missing.size(), missing.size());
        if (!missing.isEmpty()) {
            shared.unlock();
            return new Access(pas, missing, null);
        }
        return new Access(pas, missing, shared);
    }

    /**
     * Caches the successful completions of a translation request sent when the generation was
     * {@code generationSeen}. Refused (nothing cached, false) if an invalidation happened since:
     * the completions may predate it.
     */
    public synchronized boolean fill(long generationSeen, Integer pasid, List<AtsCompletion> completions) {
        if (generation != generationSeen) {
            return false;
        }
        int k = key(pasid);
        for (AtsCompletion c : completions) {
            if (c.status() == AtsStatus.OK) {
                entries.put(new Key(k, Vmsa.pageDown(c.address())), new Entry(c.pagePa(), c.read(), c.write(), c.exec(), c.priv()));
            }
        }
        return true;
    }

    /**
     * An ATS Invalidation Request: drops the entries of the range ({@code size} 0: every
     * address), then waits for the accesses in flight, which may be using them, to finish.
     * With a PASID and not global, only that PASID's entries; otherwise every entry in the
     * range whatever its PASID (a request without PASID prefix cannot spare PASID-tagged entries).
     *
     * <p>An access of the calling thread itself is not waited for: a thread invalidates from inside its own access
     * only when that access's answer told it of a machine reset (RAM's new boot id on the bus write's reply), so it
     * has finished with what it holds, and waiting for it would wait for ever.
     *
     * @return the number of entries dropped
     */
    public int invalidate(Integer pasid, long addr, long size, boolean global) {
        int dropped = 0;
        synchronized (this) {
            boolean everything = size == 0;
            long first = everything ? 0 : Vmsa.pageDown(addr);
            long end = addr + size - 1;
            long last = everything || end < addr ? -1L : Vmsa.pageDown(end);
            boolean onePasid = pasid != null && !global;
            Iterator<Key> it = entries.keySet().iterator();
            while (it.hasNext()) {
                Key k = it.next();
                if ((!onePasid || k.pasid() == pasid) && Long.compareUnsigned(k.page(), first) >= 0
                        && Long.compareUnsigned(k.page(), last) <= 0) {
                    it.remove();
                    dropped++;
                }
            }
            generation++;
        }
        int mine = inFlight.getReadHoldCount();
        for (int i = 0; i < mine; i++) {
            inFlight.readLock().unlock();
        }
        Lock exclusive = inFlight.writeLock();
        exclusive.lock();
        exclusive.unlock();
        for (int i = 0; i < mine; i++) {
            inFlight.readLock().lock();
        }
        trace.invalidated(dropped);
        return dropped;
    }

    /** Whether an invalidation is waiting for accesses in flight (it holds up new lookups meanwhile). */
    public boolean invalidationWaiting() {
        return inFlight.hasQueuedThreads();
    }

    private static int key(Integer pasid) {
        return pasid == null ? NO_PASID : pasid;
    }
}
