package org.svafabric.gateway.workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** Turns what a workload measured into its report; plain Java, no I/O. */
final class ReportBuilder {
    /** The percentiles of the report page's latency curve. */
    static final double[] CURVE = {0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100};

    private ReportBuilder() {
    }

    static WorkloadReport.Progress progress(WorkloadStats s) {
        return new WorkloadReport.Progress(round(s.elapsedSeconds()), s.jobs(), s.bytes(), s.errors());
    }

    static WorkloadReport build(WorkloadStats s, WorkloadReport.Invalidations invalidations, Long reclaimedPages) {
        return build(s, invalidations, reclaimedPages, null);
    }

    static WorkloadReport build(WorkloadStats s, WorkloadReport.Invalidations invalidations, Long reclaimedPages,
                                List<WorkloadReport.SmmuActivity> smmus) {
        long jobs = s.jobs();
        double elapsed = s.elapsedSeconds();
        List<WorkloadReport.PercentilePoint> curve = new ArrayList<>();
        if (jobs > 0) {
            for (double p : CURVE) {
                curve.add(new WorkloadReport.PercentilePoint(p, s.latencyMicros.getValueAtPercentile(p),
                        s.modelJobs() > 0 ? s.modelNanos.getValueAtPercentile(p) : null));
            }
        }
        List<WorkloadReport.SeriesPoint> series = new ArrayList<>();
        for (long[] b : s.series()) {
            series.add(new WorkloadReport.SeriesPoint((int) b[0], b[1], b[2], b[3]));
        }
        return new WorkloadReport(jobs, new WorkloadReport.Errors(s.errors(), s.errorReasons()), round(elapsed),
                elapsed > 0 ? round(jobs / elapsed) : 0, elapsed > 0 ? round(s.bytes() / elapsed) : 0,
                jobs > 0 ? latency(s.latencyMicros) : null,
                s.prgMicros.getTotalCount() > 0 ? percentiles(s.prgMicros) : null,
                curve,
                jobs > 0 ? new WorkloadReport.FaultsPerJob(round((double) s.pageRequests() / jobs), round((double) s.groups() / jobs),
                        round((double) s.stalls() / jobs)) : new WorkloadReport.FaultsPerJob(0, 0, 0),
                invalidations, series, model(s),
                s.pinnedPages() > 0 ? new WorkloadReport.Pinning(s.pinnedPages(), s.pinMicros.getTotalCount() > 0 ? latency(s.pinMicros) : null,
                        s.jobPinModelNanos(), s.pinPriced() ? s.pinModelNanos() : null) : null,
                reclaimedPages, smmus);
    }

    /** The timing model's view: absent unless some job carried a model. */
    static WorkloadReport.Model model(WorkloadStats s) {
        long n = s.modelJobs();
        if (n == 0) {
            return null;
        }
        long total = s.modelNanosTotal();
        Map<String, Long> perJob = new LinkedHashMap<>();
        s.modelBreakdownTotals().forEach((kind, nanos) -> perJob.put(kind, Math.round((double) nanos / n)));
        return new WorkloadReport.Model(n, total > 0 ? round(s.modelBytes() * 1e9 / total) : 0, percentiles(s.modelNanos),
                s.modelNanos.getMaxValue(), perJob);
    }

    private static WorkloadReport.Latency latency(Histogram h) {
        return new WorkloadReport.Latency(h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static WorkloadReport.Percentiles percentiles(Histogram h) {
        return new WorkloadReport.Percentiles(h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
