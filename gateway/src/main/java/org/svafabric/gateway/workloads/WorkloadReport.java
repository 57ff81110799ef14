package org.svafabric.gateway.workloads;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The report of a finished workload (shared/API.md). Wall-clock figures are what the services
 * spent; {@code model} is the timing model's hardware time, absent when no job carried one.
 *
 * @param bytesPerSecond payload bytes (each job's length) per second of the timed part
 * @param latencyCurve   the latency distribution at a ladder of percentiles, for the report page
 * @param invalidations  TLBI and ATC_INV commands the SMMU driver issued for the workload's PASIDs
 *                       (pinned: without PASID, on its devices) during the workload, from the event log
 * @param pinning        pinned mode: pages pinned by MAP_DMA, and the MAP_DMA + UNMAP_DMA wall clock of each fresh destination
 * @param reclaimedPages reclaim: pages the reclaimer swapped out while the jobs ran
 * @param smmus          each SMMU's queue and invalidation counters over the timed part (service-wide: every
 *                       caller's traffic on that SMMU counts), so a run spread over several SMMUs shows where it went
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadReport(long jobs, Errors errors, double elapsedSeconds, double jobsPerSecond, double bytesPerSecond,
                             Latency jobLatencyMicros, Percentiles prgRoundTripMicros, List<PercentilePoint> latencyCurve,
                             FaultsPerJob faultsPerJob, Invalidations invalidations, List<SeriesPoint> series, Model model,
                             Pinning pinning, Long reclaimedPages, List<SmmuActivity> smmus) {

    public record Errors(long count, List<String> reasons) {
    }

    public record Latency(long p50, long p90, long p99, long max) {
    }

    public record Percentiles(long p50, long p90, long p99) {
    }

    /** {@code modelNanos} null when the jobs carried no model. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PercentilePoint(double percentile, long wallMicros, Long modelNanos) {
    }

    public record FaultsPerJob(double pageRequests, double groups, double stalls) {
    }

    public record Invalidations(long tlbi, long atcInv) {
    }

    /** One second of the timed part: jobs completed, their payload bytes, and their faults (page requests + stalls). */
    public record SeriesPoint(int second, long jobs, long bytes, long faults) {
    }

    /**
     * @param jobs           jobs that carried a model
     * @param bytesPerSecond payload bytes per second of model time, one job after the other (the sum of model times)
     * @param breakdown      mean model nanoseconds per job, by event kind
     */
    public record Model(long jobs, double bytesPerSecond, Percentiles jobLatencyNanos, long maxNanos, Map<String, Long> breakdown) {
    }

    /**
     * @param pages            pages MAP_DMA pinned in all (for the run, and each job's fresh destination)
     * @param mapUnmapMicros   wall clock of MAP_DMA + UNMAP_DMA per job (cold); null when buffers were mapped once
     * @param modelNanosPerJob the timing model's pin + unpin + unmap invalidation of one job's destination (cold)
     * @param modelNanos       the model's price of all the workload's pinning and unpinning
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pinning(long pages, Latency mapUnmapMicros, Long modelNanosPerJob, Long modelNanos) {
    }

    /**
     * What one SMMU did during the timed part: page requests its driver took from the PRI queue, commands written
     * to its command queue and CMD_SYNCs waited for, CMD_TLBI_* and CMD_ATC_INV issued, IOTLB hits and misses, and
     * the CPU's broadcast TLBIs it applied (BTM).
     */
    public record SmmuActivity(String smmu, long priqRequests, long cmdqCommands, long cmdqSyncs, long tlbiCommands,
                               long atcInvCommands, long iotlbHits, long iotlbMisses, long broadcastTlbis) {

        /** The counters between two snapshots of {@code GET /iommu/v1/smmus} metrics. */
        static SmmuActivity between(String smmu, Map<String, Long> before, Map<String, Long> after) {
            return new SmmuActivity(smmu, delta("smmu.priq.requests", before, after), delta("smmu.cmdq.commands", before, after),
                    delta("smmu.cmdq.syncs", before, after), delta("smmu.tlbi.commands", before, after),
                    delta("smmu.atc_inv.commands", before, after), delta("smmu.tlb.hits", before, after),
                    delta("smmu.tlb.misses", before, after), delta("smmu.btm.applied", before, after));
        }

        private static long delta(String name, Map<String, Long> before, Map<String, Long> after) {
            return after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
        }
    }

    /** While the workload runs. */
    public record Progress(double elapsedSeconds, long jobs, long bytes, long errors) {
    }
}
