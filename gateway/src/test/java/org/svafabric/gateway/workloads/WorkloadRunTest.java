package org.svafabric.gateway.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.gateway.security.Caller;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkloadRunTest {
    private static final Caller USER = new Caller("t", 1000, Set.of());
    private final FakeFabric fabric = new FakeFabric();
    private final WorkloadValidator validator = new WorkloadValidator(WorkloadLimits.defaults(), fabric);

    private static WorkloadRequest request(List<String> devices, int processes, String op, String mode, String faultMode, int concurrency,
                                           Integer duration, Integer jobs, Integer reclaimEvery) {
        return new WorkloadRequest(devices, processes, 16384L, op, mode, faultMode, concurrency, duration, jobs, reclaimEvery, null);
    }

    private WorkloadRun.Outcome run(WorkloadRequest r, WorkloadStats stats) {
        return new WorkloadRun("test", validator.check(r), USER, fabric, stats).run();
    }

    private void assertNothingLeft() {
        assertThat(fabric.liveProcesses()).as("processes").isZero();
        assertThat(fabric.bonds).as("bonds").isEmpty();
        assertThat(fabric.containers).as("containers").isEmpty();
        assertThat(fabric.pinnedPages.get()).as("pinned pages").isZero();
    }

    @Test
    void aWarmSvaMemcpyChecksEveryJobAndTearsDown() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("sva0", "sva1"), 2, "memcpy", "sva", "warm", 3, null, 9, null), stats);
        assertThat(o.end()).as(String.valueOf(o.failure())).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(stats.jobs()).isEqualTo(9);
        assertThat(stats.errors()).isZero();
        assertThat(stats.bytes()).isEqualTo(9 * 16384L);
        assertThat(stats.pageRequests()).as("warm: every destination was resident").isZero();
        assertThat(o.invalidations()).as("TLBI events count their batched commands").isEqualTo(new WorkloadReport.Invalidations(2 * 4, 2));
        assertThat(o.smmus()).as("each SMMU's counters between the snapshots before and after the timed part").containsExactly(
                new WorkloadReport.SmmuActivity("smmu0", 10, 0, 0, 3, 0, 0, 0, 0),
                new WorkloadReport.SmmuActivity("smmu1", 5, 0, 0, 0, 0, 0, 0, 7));
        assertNothingLeft();
    }

    @Test
    void aJobThatMovedNothingIsCaughtByTheCheckEvenWhenWarm() {
        fabric.lazyJob = n -> n == 2;
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("sva0"), 1, "memcpy", "sva", "warm", 1, null, 4, null), stats);
        assertThat(o.end()).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.jobs()).isEqualTo(3);
        assertThat(stats.errorReasons()).singleElement().asString().contains("job-2").contains("differs from the source");
        assertNothingLeft();
    }

    @Test
    void aMemsetThatMovedNothingIsCaught() {
        fabric.lazyJob = n -> n == 3;
        WorkloadStats stats = new WorkloadStats();
        run(request(List.of("sva0"), 1, "memset", "sva", "warm", 1, null, 3, null), stats);
        assertThat(stats.errorReasons()).singleElement().asString().contains("not the memset value");
    }

    @Test
    void coldSvaFaultsEveryJobOnAFreshDestination() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("sva0"), 1, "memcpy", "sva", "cold", 2, null, 6, null), stats);
        assertThat(o.end()).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(stats.pageRequests()).isEqualTo(6 * 4);
        assertThat(stats.prgMicros.getTotalCount()).isEqualTo(12);
        assertNothingLeft();
        assertThat(fabric.memory).isEmpty();
    }

    @Test
    void pinnedColdMapsAndUnmapsEachFreshDestinationAndUnpinsEverything() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("classic"), 1, "memcpy", "pinned", "cold", 2, null, 5, null), stats);
        assertThat(o.end()).as(String.valueOf(o.failure())).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(stats.jobs()).isEqualTo(5);
        assertThat(stats.pinMicros.getTotalCount()).isEqualTo(5);
        assertThat(stats.pinnedPages()).as("each slot's source for the run, then each job's destination").isEqualTo(2 * 4 + 5 * 4);
        // defaults: 4 pages x (300 pin + 150 unpin) + one TLBI (100) + CMD_SYNC (800), no ATC_INV on a device without ATS
        assertThat(stats.jobPinModelNanos()).isEqualTo(4 * 450 + 100 + 800);
        assertThat(stats.pinModelNanos()).isEqualTo((2 + 5) * (4 * 450 + 900));
        assertNothingLeft();
    }

    @Test
    void pinnedWarmMemsetRuns() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("classic"), 1, "memset", "pinned", "warm", 2, null, 4, null), stats);
        assertThat(o.end()).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(stats.errors()).isZero();
        assertNothingLeft();
    }

    @Test
    void reclaimSwapsTheBuffersOutWhileJobsRun() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("sva0"), 1, "memcpy", "sva", "reclaim", 1, 2, null, 1), stats);
        assertThat(o.end()).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(fabric.reclaims.get()).isPositive();
        assertThat(o.reclaimedPages()).isPositive();
        assertThat(stats.errors()).isZero();
        assertNothingLeft();
    }

    @Test
    void aSetupThatFailsHalfwayUndoesWhatItDid() {
        fabric.failBindNumber = 3;
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun.Outcome o = run(request(List.of("sva0", "sva1"), 2, "memcpy", "sva", "warm", 1, null, 1, null), stats);
        assertThat(o.end()).isEqualTo(WorkloadRun.End.FAILED);
        assertThat(o.failure()).startsWith("setup: ENOSPC");
        assertThat(stats.timedPartStarted()).isFalse();
        assertNothingLeft();
    }

    @Test
    void cancelStopsTheJobsAndTearsDown() {
        WorkloadStats stats = new WorkloadStats();
        WorkloadRun run = new WorkloadRun("c", validator.check(request(List.of("sva0"), 1, "memcpy", "sva", "warm", 2, 600, null, null)),
                USER, fabric, stats);
        CompletableFuture<WorkloadRun.Outcome> f = CompletableFuture.supplyAsync(run::run);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stats.jobs() >= 3);
        run.cancel();
        WorkloadRun.Outcome o = f.join();
        assertThat(o.end()).isEqualTo(WorkloadRun.End.CANCELLED);
        assertNothingLeft();
    }
}
