package org.svafabric.gateway.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a running workload has measured so far, recorded by its job slots concurrently and read
 * by GET /workloads/{id} while it runs. Latencies go into HdrHistograms (three significant
 * digits), never into lists that are sorted later; the time series has one bucket per second
 * of the timed part.
 */
final class WorkloadStats {
    static final int MAX_ERROR_REASONS = 5;

    private final LongSupplier nanoClock;
    private volatile long timedStart = -1;
    private volatile long timedEnd = -1;

    private final LongAdder jobs = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> errorReasons = new ArrayList<>();

    private final LongAdder pageRequests = new LongAdder();
    private final LongAdder groups = new LongAdder();
    private final LongAdder stalls = new LongAdder();

    final Histogram latencyMicros = new ConcurrentHistogram(3);
    final Histogram prgMicros = new ConcurrentHistogram(3);
    final Histogram modelNanos = new ConcurrentHistogram(3);
    final Histogram pinMicros = new ConcurrentHistogram(3);
    private final LongAdder modelJobs = new LongAdder();
    private final LongAdder modelBytes = new LongAdder();
    private final LongAdder modelNanosTotal = new LongAdder();
    private final Map<String, LongAdder> modelBreakdown = new ConcurrentHashMap<>();
    private final LongAdder pinnedPages = new LongAdder();
    private final LongAdder pinModelNanos = new LongAdder();
    private final LongAdder jobPinModelNanos = new LongAdder();
    private final LongAdder jobPins = new LongAdder();
    private volatile boolean pinPriced;

    /** second of the timed part -> {jobs, bytes, faults}. */
    private final Map<Integer, long[]> series = new ConcurrentHashMap<>();

    WorkloadStats(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    WorkloadStats() {
        this(System::nanoTime);
    }

    void timedPartStarts() {
        timedStart = nanoClock.getAsLong();
    }

    void timedPartEnds() {
        if (timedStart >= 0 && timedEnd < 0) {
            timedEnd = nanoClock.getAsLong();
        }
    }

    boolean timedPartStarted() {
        return timedStart >= 0;
    }

    /** Seconds of the timed part so far (or in all, once it ended). */
    double elapsedSeconds() {
        if (timedStart < 0) {
            return 0;
        }
        long end = timedEnd >= 0 ? timedEnd : nanoClock.getAsLong();
        return (end - timedStart) / 1e9;
    }

    /** A job that completed and whose bytes were checked. */
    void completed(JobOutcome o, long length) {
        jobs.increment();
        bytes.add(length);
        latencyMicros.recordValue(Math.max(0, o.latencyMicros()));
        pageRequests.add(o.pageRequests());
        groups.add(o.groups());
        stalls.add(o.stalls());
        for (long prg : o.prgRoundTripMicros()) {
            prgMicros.recordValue(Math.max(0, prg));
        }
        if (o.modelNanos() != null) {
            modelJobs.increment();
            modelBytes.add(length);
            modelNanosTotal.add(o.modelNanos());
            modelNanos.recordValue(Math.max(0, o.modelNanos()));
            o.modelBreakdown().forEach((kind, nanos) -> modelBreakdown.computeIfAbsent(kind, k -> new LongAdder()).add(nanos));
        }
        long[] bucket = bucket();
        synchronized (bucket) {
            bucket[0]++;
            bucket[1] += length;
            bucket[2] += o.pageRequests() + o.stalls();
        }
    }

    /** A job that did not complete, or whose bytes were wrong; the first few reasons are kept. */
    void failed(String reason) {
        errors.incrementAndGet();
        synchronized (errorReasons) {
            if (errorReasons.size() < MAX_ERROR_REASONS) {
                errorReasons.add(reason);
            }
        }
    }

    /**
     * Pinned mode, a job's fresh destination: MAP_DMA + UNMAP_DMA (wall clock), the pages pinned, and
     * the timing model's price of pinning, unpinning and the unmap's invalidation (null: not priced).
     */
    void pinned(long micros, long pages, Long modelNanos) {
        pinMicros.recordValue(Math.max(0, micros));
        pinnedPages.add(pages);
        if (modelNanos != null) {
            pinPriced = true;
            jobPins.increment();
            jobPinModelNanos.add(modelNanos);
            pinModelNanos.add(modelNanos);
        }
    }

    /** Pinned mode, a buffer MAP_DMA'd for the whole run (before the timed part, unmapped at teardown). */
    void pinnedForTheRun(long pages, Long modelNanos) {
        pinnedPages.add(pages);
        if (modelNanos != null) {
            pinPriced = true;
            pinModelNanos.add(modelNanos);
        }
    }

    boolean pinPriced() {
        return pinPriced;
    }

    long pinModelNanos() {
        return pinModelNanos.sum();
    }

    /** The model's pin + unpin price of one job's fresh destination, or null without per-job pinning. */
    Long jobPinModelNanos() {
        long n = jobPins.sum();
        return n == 0 ? null : jobPinModelNanos.sum() / n;
    }

    private long[] bucket() {
        int second = (int) Math.max(0, (nanoClock.getAsLong() - Math.max(0, timedStart)) / 1_000_000_000L);
        return series.computeIfAbsent(second, k -> new long[3]);
    }

    long jobs() {
        return jobs.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long errors() {
        return errors.get();
    }

    List<String> errorReasons() {
        synchronized (errorReasons) {
            return List.copyOf(errorReasons);
        }
    }

    long pageRequests() {
        return pageRequests.sum();
    }

    long groups() {
        return groups.sum();
    }

    long stalls() {
        return stalls.sum();
    }

    long modelJobs() {
        return modelJobs.sum();
    }

    long modelBytes() {
        return modelBytes.sum();
    }

    long modelNanosTotal() {
        return modelNanosTotal.sum();
    }

    long pinnedPages() {
        return pinnedPages.sum();
    }

    Map<String, Long> modelBreakdownTotals() {
        Map<String, Long> out = new TreeMap<>();
        modelBreakdown.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The series, second 0 first, with empty seconds filled in. */
    List<long[]> series() {
        int last = series.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        List<long[]> out = new ArrayList<>();
        for (int s = 0; s <= last; s++) {
            long[] b = series.get(s);
            if (b == null) {
                out.add(new long[] {s, 0, 0, 0});
            } else {
                synchronized (b) {
                    out.add(new long[] {s, b[0], b[1], b[2]});
                }
            }
        }
        return out;
    }
}
