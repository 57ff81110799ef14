package org.svafabric.device.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/**
 * mm_exit with an engine that translates ahead: the lookahead's page-request groups are outstanding too, and
 * mm_exit acknowledges only once every group of the PASID — the engine's and the lookahead's — has its response,
 * so the PASID is never reused while a page request of its old owner is in flight.
 */
class LookaheadExitTest {
    private static final int PASID = 12;
    private static final long BUF = 0x6000_0000_0000L;
    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

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
