package org.svafabric.api.timing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Prices the {@link DmaEvent}s of one job with a {@link TimingTable}. A job's model time is its
 * critical path: the engine waits for each access in turn (ATC lookup, ATS round trip, page
 * requests, transfer), so those add up; inside one batch of page requests the device overlaps
 * what hardware overlaps and waits where hardware serialises:
 * <ul>
 * <li>the device sends a group as soon as the Outstanding Page Request Allocation has room for it,
 *     so groups are in flight together up to the allocation, and wait for earlier responses beyond it;</li>
 * <li>the SMMU writes page requests into the one PRI queue and the driver's one queue consumer takes the
 *     groups out one after the other (queue writes, then the interrupt, per group);</li>
 * <li>{@link TimingTable#iopfWorkers()} IOPF workers service groups in parallel, each group's pages in order;</li>
 * <li>the link moves one job's bytes one after the other ({@link Cost#DMA_TRANSFER}).</li>
 * </ul>
 * Engines of one device run different jobs: each job's time is its own critical path, not shortened
 * or lengthened by the others (the model does not price contention between jobs).
 */
public final class TimingModel {
    private final TimingTable table;

    public TimingModel(TimingTable table) {
        this.table = table;
    }

    public TimingTable table() {
        return table;
    }

    /** The model time of a whole list of events. */
    public ModelTime price(List<? extends DmaEvent> events) {
        Clock c = start();
        events.forEach(c::add);
        return c.time();
    }

    /** A model clock for one job that prices its events as they come, keeping only the totals. */
    public Clock start() {
        return new Clock(table);
    }

    /**
     * The running model time of one job. Thread-safe: the engine thread adds events while a reader may
     * ask for the time.
     */
    public static final class Clock {
        private final TimingTable t;
        private final Map<String, Long> work = new LinkedHashMap<>();
        private long nanos;

        Clock(TimingTable t) {
            this.t = t;
        }

        public synchronized void add(DmaEvent e) {
            long before = total();
            long path = path(e);
            nanos += path;
            long hidden = (total() - before) - path;
            if (hidden > 0) {
                work.merge(ModelTime.OVERLAP, -hidden, Long::sum);
            }
        }

        /** Java 17 has no pattern switch: one instanceof per kind of event. */
        private long path(DmaEvent e) {
            if (e instanceof DmaEvent.AtcLookup a) {
                return charge(Cost.ATC_HIT, a.hits()) + charge(Cost.ATC_MISS, a.misses());
            }
            if (e instanceof DmaEvent.AtsRequest r) {
                return charge(Cost.ATS_ROUND_TRIP, 1) + ats(r.smmu());
            }
            if (e instanceof DmaEvent.Untranslated u) {
                return untranslated(u.smmu());
            }
            if (e instanceof DmaEvent.Transfer x) {
                return charge(Cost.DMA_TRANSFER, t.transferNanos(x.bytes()), 1);
            }
            if (e instanceof DmaEvent.Stall s) {
                return charge(Cost.STALL_RESUME, 1) + charge(Cost.IOPF_HANDLING, 1) + faults(s.kinds());
            }
            return pageRequests((DmaEvent.PageRequests) e);
        }

        /** The time so far, its breakdown in {@link Cost} order (the flow's), then the overlap. */
        public synchronized ModelTime time() {
            Map<String, Long> ordered = new LinkedHashMap<>();
            for (Cost c : Cost.values()) {
                Long w = work.get(c.key());
                if (w != null) {
                    ordered.put(c.key(), w);
                }
            }
            Long overlap = work.get(ModelTime.OVERLAP);
            if (overlap != null) {
                ordered.put(ModelTime.OVERLAP, overlap);
            }
            return new ModelTime(nanos, ordered);
        }

        /** Sum of the breakdown without the overlap. */
        private long total() {
            long s = 0;
            for (Map.Entry<String, Long> w : work.entrySet()) {
                if (!w.getKey().equals(ModelTime.OVERLAP)) {
                    s += w.getValue();
                }
            }
            return s;
        }

        private long charge(Cost c, long count) {
            return charge(c, count * t.nanos(c), count);
        }

        /** Books {@code nanos} of work under {@code c} (nothing for zero events) and returns it. */
        private long charge(Cost c, long nanos, long count) {
            if (count > 0) {
                work.merge(c.key(), nanos, Long::sum);
            }
            return nanos;
        }

        /** The TCU's share of an ATS request: configuration fetches, TLB hits, walks and their reads. */
        private long ats(DmaEvent.SmmuWork w) {
            return charge(Cost.STE_FETCH, w.steFetches()) + charge(Cost.CD_FETCH, w.cdFetches())
                    + charge(Cost.IOTLB_HIT, w.iotlbHits()) + charge(Cost.TCU_MISS, w.walks())
                    + charge(Cost.WALK_DESCRIPTOR_READ, w.walkReads());
        }

        /**
         * An untranslated transaction: as an ATS request's TCU work, and every walk first crossed from the TBU to
         * the TCU (the model has no TBU-local TLB: a TLB hit is the TCU's, priced as {@link Cost#IOTLB_HIT}).
         */
        private long untranslated(DmaEvent.SmmuWork w) {
            return ats(w) + charge(Cost.TBU_TO_TCU_MISS, w.walks());
        }

        private long faults(DmaEvent.FaultKinds k) {
            return charge(Cost.MM_FAULT_MINOR, k.minor()) + charge(Cost.MM_FAULT_MAJOR, k.major())
                    + charge(Cost.MM_FAULT_SWAP_IN, k.swapIn());
        }

        /**
         * One batch of groups, times relative to its start. Each group: sent once the allocation has room
         * (credits return with responses), its requests written by the SMMU and taken by the one queue
         * consumer, serviced by the first free IOPF worker, answered. The batch ends with its last response.
         */
        private long pageRequests(DmaEvent.PageRequests p) {
            long[] workerFree = new long[t.iopfWorkers()];
            PriorityQueue<long[]> outstanding = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
            long credits = p.allocation();
            long send = 0;
            long consumerFree = 0;
            long end = 0;
            for (DmaEvent.PrgGroup g : p.groups()) {
                // A group larger than the allocation could never be sent; the device splits by it, so this only guards the arithmetic.
                long need = Math.min(g.pages(), Math.max(p.allocation(), 1));
                while (credits < need && !outstanding.isEmpty()) {
                    long[] r = outstanding.poll();
                    send = Math.max(send, r[0]);
                    credits += r[1];
                }
                long taken = Math.max(send, consumerFree) + charge(Cost.PRI_QUEUE_WRITE, g.pages())
                        + charge(Cost.PRI_INTERRUPT, 1);
                consumerFree = taken;
                int w = 0;
                for (int i = 1; i < workerFree.length; i++) {
                    if (workerFree[i] < workerFree[w]) {
                        w = i;
                    }
                }
                long serviced = Math.max(taken, workerFree[w]) + charge(Cost.IOPF_HANDLING, 1) + faults(g.kinds());
                workerFree[w] = serviced;
                long answered = serviced + charge(Cost.PRG_RESPONSE, 1);
                outstanding.add(new long[] {answered, need});
                credits -= need;
                end = Math.max(end, answered);
            }
            return end;
        }
    }
}
