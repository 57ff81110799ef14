package org.svafabric.gateway.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class ReportBuilderTest {
    private final AtomicLong clock = new AtomicLong();
    private final WorkloadStats stats = new WorkloadStats(clock::get);

    private static JobOutcome job(long latencyMicros, Long modelNanos, Map<String, Long> breakdown, List<Long> prg, long pageRequests) {
        return new JobOutcome("j", "COMPLETED", latencyMicros, pageRequests, pageRequests > 0 ? 1 : 0, 0, prg, modelNanos, breakdown, null);
    }

    @Test
    void throughputAndFaultsPerJobAreOverTheTimedPart() {
        stats.timedPartStarts();
        clock.set(500_000_000L);
        stats.completed(job(100, null, Map.of(), List.of(), 16), 65536);
        clock.set(1_500_000_000L);
        stats.completed(job(300, null, Map.of(), List.of(), 0), 65536);
        clock.set(2_000_000_000L);
        stats.timedPartEnds();
        WorkloadReport r = ReportBuilder.build(stats, new WorkloadReport.Invalidations(3, 1), null);
        assertThat(r.jobs()).isEqualTo(2);
        assertThat(r.elapsedSeconds()).isEqualTo(2.0);
        assertThat(r.jobsPerSecond()).isEqualTo(1.0);
        assertThat(r.bytesPerSecond()).isEqualTo(65536.0);
        assertThat(r.faultsPerJob()).isEqualTo(new WorkloadReport.FaultsPerJob(8, 0.5, 0));
        assertThat(r.series()).containsExactly(new WorkloadReport.SeriesPoint(0, 1, 65536, 16), new WorkloadReport.SeriesPoint(1, 1, 65536, 0));
        assertThat(r.jobLatencyMicros().max()).isEqualTo(300);
        assertThat(r.model()).as("no job carried a model").isNull();
        assertThat(r.prgRoundTripMicros()).isNull();
    }

    @Test
    void percentilesComeFromTheHistogramWithinItsPrecision() {
        stats.timedPartStarts();
        for (int i = 1; i <= 1000; i++) {
            stats.completed(job(i, null, Map.of(), List.of((long) i * 2), 0), 4096);
        }
        WorkloadReport r = ReportBuilder.build(stats, null, null);
        assertThat(r.jobLatencyMicros().p50()).isEqualTo(500);
        assertThat(r.jobLatencyMicros().p90()).isEqualTo(900);
        assertThat(r.jobLatencyMicros().p99()).isEqualTo(990);
        assertThat(r.jobLatencyMicros().max()).isEqualTo(1000);
        assertThat((double) r.prgRoundTripMicros().p99()).isCloseTo(1980, within(2.0));
        assertThat(r.latencyCurve()).hasSize(ReportBuilder.CURVE.length);
        assertThat(r.latencyCurve().get(r.latencyCurve().size() - 1).wallMicros()).isEqualTo(1000);
    }

    @Test
    void theModelIsAggregatedFromTheJobRecords() {
        stats.timedPartStarts();
        // three 64 KiB jobs: 10, 20 and 30 us of model time; 192 KiB in 60 us = 3276.8 MB/s
        stats.completed(job(900, 10_000L, Map.of("transfer", 8_000L, "walk", 2_000L), List.of(), 0), 65536);
        stats.completed(job(950, 20_000L, Map.of("transfer", 8_000L, "walk", 2_000L, "prg", 10_000L), List.of(), 16), 65536);
        stats.completed(job(990, 30_000L, Map.of("transfer", 8_000L, "walk", 2_000L, "prg", 20_000L), List.of(), 16), 65536);
        stats.completed(job(1000, null, Map.of(), List.of(), 0), 65536);
        WorkloadReport.Model m = ReportBuilder.model(stats);
        assertThat(m.jobs()).isEqualTo(3);
        assertThat(m.bytesPerSecond()).isEqualTo(3 * 65536 * 1e9 / 60_000);
        // HdrHistogram keeps three significant digits: 20 000 and 30 000 read back as the top of their 16 ns buckets
        assertThat(m.jobLatencyNanos()).isEqualTo(new WorkloadReport.Percentiles(20_015, 30_015, 30_015));
        assertThat(m.maxNanos()).isEqualTo(30_015);
        assertThat(m.breakdown()).containsExactly(Map.entry("prg", 10_000L), Map.entry("transfer", 8_000L), Map.entry("walk", 2_000L));
    }

    @Test
    void theReportSerialisesWithTheContractsFieldNames() {
        stats.timedPartStarts();
        stats.completed(job(10, 5_000L, Map.of("transfer", 5_000L), List.of(3L), 1), 4096);
        String json = JsonMapper.builder().build().writeValueAsString(ReportBuilder.build(stats, new WorkloadReport.Invalidations(1, 1), null));
        assertThat(json).contains("\"jobs\":1", "\"errors\":{\"count\":0", "\"jobsPerSecond\"", "\"bytesPerSecond\"",
                "\"jobLatencyMicros\":{\"p50\"", "\"prgRoundTripMicros\":{\"p50\"", "\"faultsPerJob\":{\"pageRequests\"",
                "\"invalidations\":{\"tlbi\":1,\"atcInv\":1}", "\"series\":[", "\"model\":{", "\"jobLatencyNanos\":{\"p50\"", "\"breakdown\":{");
        assertThat(json).doesNotContain("pinning", "reclaimedPages");
    }
}
