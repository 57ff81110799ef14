package org.svafabric.api.timing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.svafabric.api.error.ErrnoException;

/**
 * The price of every {@link Cost} in nanoseconds, and how many IOPF workers service fault groups at
 * once (the one structural figure the model needs that no device description holds). Immutable; built
 * from the defaults, the topology's {@code timing:} section, then a job's override, each overriding the
 * one before.
 */
public final class TimingTable {
    /** The iommu-service default ({@code iommu.iopf-workers}). */
    public static final int DEFAULT_IOPF_WORKERS = 4;

    private static final TimingTable DEFAULTS = new TimingTable(defaultCosts(), DEFAULT_IOPF_WORKERS);

    private final EnumMap<Cost, Long> nanos;
    private final int iopfWorkers;

    private TimingTable(EnumMap<Cost, Long> nanos, int iopfWorkers) {
        this.nanos = nanos;
        this.iopfWorkers = iopfWorkers;
    }

    public static TimingTable defaults() {
        return DEFAULTS;
    }

    private static EnumMap<Cost, Long> defaultCosts() {
        EnumMap<Cost, Long> m = new EnumMap<>(Cost.class);
        for (Cost c : Cost.values()) {
            m.put(c, c.defaultNanos());
        }
        return m;
    }

    /** The price of one {@code cost} event (for {@link Cost#DMA_TRANSFER}: of one KiB). */
    public long nanos(Cost cost) {
        return nanos.get(cost);
    }

    public int iopfWorkers() {
        return iopfWorkers;
    }

    /** Every cost by its key, in declaration order. */
    public Map<String, Long> asMap() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        nanos.forEach((c, v) -> out.put(c.key(), v));
        return Collections.unmodifiableMap(out);
    }

    /**
     * This table with the costs named in {@code overrides} replaced. Refused with EINVAL, naming the
     * key, for a name that is no cost or a price that is null or negative.
     */
    public TimingTable with(Map<String, Long> overrides) {
        List<String> p = problems(overrides);
        if (!p.isEmpty()) {
            throw ErrnoException.invalid(String.join("; ", p));
        }
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        EnumMap<Cost, Long> m = new EnumMap<>(nanos);
        overrides.forEach((k, v) -> m.put(Cost.byKey(k), v));
        return new TimingTable(m, iopfWorkers);
    }

    /** This table with another number of IOPF workers (at least 1). */
    public TimingTable withIopfWorkers(int workers) {
        if (workers < 1) {
            throw ErrnoException.invalid("timing.iopfWorkers must be >= 1");
        }
        return new TimingTable(nanos, workers);
    }

    /** Why {@code overrides} is not a valid set of cost overrides; empty when it is. */
    public static List<String> problems(Map<String, Long> overrides) {
        List<String> p = new ArrayList<>();
        if (overrides == null) {
            return p;
        }
        overrides.forEach((k, v) -> {
            if (Cost.byKey(k) == null) {
                p.add("timing." + k + " is not a cost (the costs are " + Cost.keys() + ")");
            } else if (v == null || v < 0) {
                p.add("timing." + k + " must be a number of nanoseconds >= 0");
            }
        });
        return p;
    }

    /** Nanoseconds to move {@code bytes} across the link ({@link Cost#DMA_TRANSFER} is per KiB; rounded up). */
    public long transferNanos(long bytes) {
        return ceilDiv(Math.multiplyExact(bytes, nanos(Cost.DMA_TRANSFER)), 1024);
    }

    /** Pinning {@code pages} 4 KiB pages for classical DMA (VFIO MAP_DMA). */
    public long pinNanos(long pages) {
        return Math.multiplyExact(pages, nanos(Cost.PIN_PER_PAGE));
    }

    /** Unpinning {@code pages} 4 KiB pages (VFIO UNMAP_DMA), without the invalidation that follows. */
    public long unpinNanos(long pages) {
        return Math.multiplyExact(pages, nanos(Cost.UNPIN_PER_PAGE));
    }

    /**
     * An invalidation as the driver issues it: {@code tlbis} TLBI commands, {@code atcInvs} CMD_ATC_INV
     * (each waited for until its completion arrives; the device answers them in parallel), one CMD_SYNC.
     */
    public long invalidationNanos(long tlbis, long atcInvs) {
        long atc = atcInvs == 0 ? 0 : atcInvs * nanos(Cost.ATC_INV) + nanos(Cost.ATC_INV_COMPLETION);
        return tlbis * nanos(Cost.TLBI) + atc + nanos(Cost.CMD_SYNC);
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimingTable t && t.nanos.equals(nanos) && t.iopfWorkers == iopfWorkers;
    }

    @Override
    public int hashCode() {
        return nanos.hashCode() * 31 + iopfWorkers;
    }

    @Override
    public String toString() {
        return "TimingTable" + asMap() + ", iopfWorkers=" + iopfWorkers;
    }
}
