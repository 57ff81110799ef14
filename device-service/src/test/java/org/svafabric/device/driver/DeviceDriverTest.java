package org.svafabric.device.driver;

import java.util.concurrent.TimeUnit;
import java.time.Duration;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/** The driver: queue admission, PASID checks, and mm_exit's stop of all DMA of a PASID. */
class DeviceDriverTest {
    private static final int PASID = 12;
    private static final long BUF = 0x6000_0000_0000L;

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static JobSpec memset(Integer pasid, long dst, long len) {
        return JobSpec.of("memset", pasid, null, dst, len, 1, null, 1L << 24);
    }

    /** A job whose first page request is held: it stays RUNNING until the test answers. */
    private Job blockedJob(BlockingQueue<FakeSmmu.Group> held) throws InterruptedException {
        Job j = rig.driver.submit(memset(PASID, BUF, 4096));
        assertThat(held.poll(10, TimeUnit.SECONDS)).as("the job's first page request").isNotNull();
        return j;
    }

    @Test
    void aFullQueueRefusesWithEbusyAndTheJobLeavesNoTrace() throws Exception {
        rig = Rig.sva(8, 64, 1, 2);
        rig.smmu.bind(PASID).allow(BUF, 1 << 20, true);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = blockedJob(held);
        Job queued = rig.driver.submit(memset(PASID, BUF + 8192, 4096));
        assertThatThrownBy(() -> rig.driver.submit(memset(PASID, BUF + 16384, 4096)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
        assertThat(rig.jobs.page(null, null, 0, 10).total()).isEqualTo(2);
        assertThat(rig.device.metrics().jobsRefused.count()).isEqualTo(1);
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aStoppingJobSendsNoFurtherPageRequestGroupAndEndsAborted() throws Exception {
        // An allocation of 2: one 4-page segment takes two groups, one after the other.
        rig = Rig.sva(2, 64, 1, 8);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 1 << 20, true);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = rig.driver.submit(memset(PASID, BUF, 16 * 1024));
        FakeSmmu.Group first = held.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("the first group").isNotNull();
        CompletableFuture<Integer> ack = CompletableFuture.supplyAsync(() -> rig.driver.mmExit(PASID));
        await("mm_exit asks the running job to stop").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(running::abortRequested);
        rig.smmu.answer(first, PrgResponseCode.SUCCESS);

        assertThat(ack.get(10, TimeUnit.SECONDS)).isZero();
        // PCIe "Stopping a PASID": no new page request once the stop was asked; the job is aborted, not faulted.
        assertThat(held.poll(200, TimeUnit.MILLISECONDS)).as("a second group").isNull();
        assertThat(rig.smmu.groups).hasSize(1);
        assertThat(running.status()).isEqualTo(JobStatus.ABORTED);
        assertThat(running.error()).contains("mm_exit");
        assertThat(rig.device.pcie().pri().outstanding()).isZero();
        assertThat(rig.smmu.stopMarkers).containsExactly(PASID);
    }

    @Test
    void mmExitAbortsQueuedJobsWaitsForTheRunningOneAndLeavesNoPageRequestOutstanding() throws Exception {
        rig = Rig.sva(8, 64, 1, 8);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 1 << 20, true);
        rig.smmu.bind(PASID + 1).populate(BUF, 4096, true);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = rig.driver.submit(memset(PASID, BUF, 256 * 1024));
        FakeSmmu.Group first = held.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("the running job's first page request").isNotNull();
        List<Job> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(rig.driver.submit(memset(PASID, BUF + (i + 1) * 65536L, 4096)));
        }
        Job other = rig.driver.submit(memset(PASID + 1, BUF, 4096));

        CompletableFuture<Integer> ack = CompletableFuture.supplyAsync(() -> rig.driver.mmExit(PASID));
        for (Job q : queued) {
            assertThat(q.done().get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.ABORTED);
        }
        // The running job holds a page request: mm_exit cannot have acknowledged.
        assertThat(ack).isNotDone();
        assertThat(rig.device.pcie().pri().outstanding()).isPositive();
        await("mm_exit asks the running job to stop").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(running::abortRequested);
        rig.smmu.answer(first, PrgResponseCode.SUCCESS);

        assertThat(ack.get(10, TimeUnit.SECONDS)).isZero();
        // It finished the segment whose page request was outstanding, then stopped at the segment boundary.
        assertThat(running.status()).isEqualTo(JobStatus.ABORTED);
        assertThat(running.bytes()).isEqualTo(16 * 1024);
        assertThat(rig.device.pcie().pri().outstanding()).isZero();
        assertThat(held).isEmpty();
        // PCIe PASID stop: once nothing is outstanding, one Stop Marker (L = 1, R = W = 0) for the PASID.
        assertThat(rig.smmu.stopMarkers).containsExactly(PASID);

        assertThatThrownBy(() -> rig.driver.submit(memset(PASID, BUF, 4096)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
        // Other PASIDs are untouched.
        assertThat(other.done().get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(rig.device.metrics().jobsAborted.count()).isEqualTo(4);

        rig.driver.release(PASID);
        assertThat(rig.driver.submit(memset(PASID, BUF, 4096))).isNotNull();
    }

    /**
     * The Stop Marker is a page request with L = 1 and R = W = 0 tagged with the PASID; it takes no credit and
     * no PRG index, and none is sent for a PASID of a function whose PRI may not send (after a Response Failure).
     */
    @Test
    void mmExitEndsThePasidWithAStopMarkerThatTakesNoCredit() throws Exception {
        rig = Rig.sva(8, 64, 1, 8);
        rig.smmu.bind(PASID).allow(BUF, 1 << 20, true);
        assertThat(rig.run("memset", PASID, 0, BUF, 8192, 1, 0).status()).isEqualTo(JobStatus.COMPLETED);
        int groups = rig.smmu.groups.size();
        assertThat(rig.driver.mmExit(PASID)).isZero();
        assertThat(rig.smmu.stopMarkers).containsExactly(PASID);
        assertThat(rig.smmu.groups).as("no group to answer").hasSize(groups);
        assertThat(rig.device.pcie().pri().outstanding()).isZero();
        assertThat(rig.events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("PRI_STOP_MARKER");
            assertThat(e.pasid()).isEqualTo(PASID);
        });

        rig.smmu.bind(PASID + 1).allow(BUF, 1 << 20, true);
        rig.smmu.forceResponse(PrgResponseCode.FAILURE);
        rig.run("memset", PASID + 1, 0, BUF, 4096, 1, 0);
        assertThat(rig.device.pcie().pri().responseFailure()).isTrue();
        rig.driver.mmExit(PASID + 1);
        assertThat(rig.smmu.stopMarkers).as("PRI may not send after a Response Failure").containsExactly(PASID);
    }

    @Test
    void theIgnorePolicyReturnsMinusOneAndStopsNothing() throws Exception {
        rig = Rig.sva(8, 64, 1, 8);
        rig.smmu.bind(PASID).allow(BUF, 1 << 20, true);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = blockedJob(held);
        Job queued = rig.driver.submit(memset(PASID, BUF + 8192, 4096));
        rig.driver.registerMmExitHandler(MmExitPolicy.IGNORE);
        assertThat(rig.driver.mmExit(PASID)).isEqualTo(-1);
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(rig.driver.submit(memset(PASID, BUF + 16384, 4096))).isNotNull();
    }

    @Test
    void aJobForAnUnboundPasidFaultsWithTheSmmusReasonAndWritesNothing() {
        rig = Rig.sva(8, 64, 1, 8);
        long before = rig.smmu.ram.touchedFrames();
        Job j = rig.run("memset", 77, 0, BUF, 8192, 0xff, 0);
        assertThat(j.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(j.event()).isEqualTo("C_BAD_CD");
        assertThat(j.error()).contains("C_BAD_CD");
        assertThat(j.bytes()).isZero();
        assertThat(rig.smmu.groups).isEmpty();
        assertThat(rig.smmu.ram.touchedFrames()).isEqualTo(before);
    }

    @Test
    void aPasidTheDeviceCannotCarryIsRefusedBeforeAnythingIsQueued() {
        rig = Rig.sva(8, 64, 1, 8);
        assertThatThrownBy(() -> rig.driver.submit(memset(1 << 20, BUF, 4096)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        rig.device.pcie().control(false, null, null, null);
        assertThatThrownBy(() -> rig.driver.submit(memset(PASID, BUF, 4096)))
                .hasMessageContaining("PASID disabled");
        assertThat(rig.jobs.page(null, null, 0, 10).total()).isZero();
    }

    @Test
    void aDeviceWithoutPasidRefusesAPasid() {
        rig = Rig.classical();
        assertThatThrownBy(() -> rig.driver.submit(memset(1, BUF, 4096)))
                .hasMessageContaining("no PASID support");
    }

    /**
     * mm_exit with an engine that translates ahead: the lookahead's page-request groups are outstanding too, and
     * mm_exit acknowledges only once every group of the PASID — the engine's and the lookahead's — has its response,
     * so the PASID is never reused while a page request of its old owner is in flight.
     */
    @Test
    void mmExitWaitsForTheGroupsTheLookaheadHasOutstanding() throws Exception {
        // Allocation 8 pages, 4-page segments: the engine's group and one group of the lookahead fit at once.
        rig = Rig.sva(8, 64, 1, 8, new FakeSmmu(), Rig.settings(16 * 1024, 2));
        rig.smmu.bind(PASID).allow(BUF, 1 << 20, true);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = rig.driver.submit(JobSpec.of("memset", PASID, null, BUF, 256 * 1024L, 1, null, 1L << 24));
        FakeSmmu.Group a = held.poll(10, TimeUnit.SECONDS);
        FakeSmmu.Group b = held.poll(10, TimeUnit.SECONDS);
        assertThat(a).isNotNull();
        assertThat(b).as("the lookahead's group for the next segment, sent before the first is answered").isNotNull();
        assertThat(rig.device.pcie().pri().outstanding()).isEqualTo(8);

        CompletableFuture<Integer> ack = CompletableFuture.supplyAsync(() -> rig.driver.mmExit(PASID));
        await("mm_exit asks the running job to stop").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(running::abortRequested);
        rig.smmu.answer(a, PrgResponseCode.SUCCESS);
        assertThat(held.poll(300, TimeUnit.MILLISECONDS)).as("nothing new is sent once the job is stopping").isNull();
        assertThat(ack).as("the lookahead's group is still outstanding").isNotDone();

        rig.smmu.answer(b, PrgResponseCode.SUCCESS);
        assertThat(ack.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(running.status()).isEqualTo(JobStatus.ABORTED);
        assertThat(rig.device.pcie().pri().outstanding()).isZero();
        assertThat(held).isEmpty();
    }
}
