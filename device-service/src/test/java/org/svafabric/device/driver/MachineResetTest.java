package org.svafabric.device.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/** A reboot of the SMMU or of RAM under a device: its jobs abort with the reason and its ATC is emptied. */
@Timeout(60)
class MachineResetTest {
    private static final int PASID = 5;
    private static final long BUF = 0x5700_0000_0000L;
    private static final String WHY = "aborted: iommu-service rebooted (boot a -> b), the SMMU was reset";

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void runningAndQueuedJobsAbortWithTheReasonAndTheAtcIsEmptied() throws Exception {
        rig = Rig.sva(8, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 64 * 4096L, true);
        assertThat(rig.run("memset", PASID, 0, BUF, 4 * 4096L, 1, 0).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(rig.device.pcie().atc().size()).as("the ATC holds the first job's pages").isPositive();

        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        Job running = rig.driver.submit(JobSpec.of("memset", PASID, null, BUF + 8 * 4096L, 8 * 4096L, 2, null, 1L << 24));
        Job queued = rig.driver.submit(JobSpec.of("memset", PASID, null, BUF + 32 * 4096L, 4096L, 3, null, 1L << 24));
        FakeSmmu.Group g = held.poll(30, TimeUnit.SECONDS);
        assertThat(g).as("the running job waits for a page request").isNotNull();

        assertThat(rig.driver.machineReset(WHY)).isEqualTo(2);

        assertThat(queued.done().get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.ABORTED);
        assertThat(queued.error()).isEqualTo(WHY);
        assertThat(rig.device.pcie().atc().size()).isZero();
        rig.smmu.answer(g, PrgResponseCode.SUCCESS); // the running job reaches its next segment boundary
        assertThat(running.done().get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.ABORTED);
        assertThat(running.error()).startsWith(WHY + " at offset ");
        assertThat(rig.events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("RESET");
            assertThat(e.detail()).contains(WHY).contains("2 jobs aborted");
        });
    }

    @Test
    void pasidsStoppedByMmExitStartClean() {
        rig = Rig.sva(8, 256, 1, 4);
        rig.smmu.bind(PASID);
        assertThat(rig.driver.mmExit(PASID)).isZero();
        assertThat(rig.driver.stoppedPasids()).containsExactly(PASID);
        rig.driver.machineReset(WHY);
        assertThat(rig.driver.stoppedPasids()).isEmpty();
    }

    /**
     * The device may learn of a RAM reboot from the answer to a job's own bus write, on the engine thread, with that
     * access's ATC entries held: the reset runs there and then. It must abort the job and empty the ATC, not wait for
     * the access it runs inside (a job wedged for ever, seen in an e2e run).
     */
    @Test
    void aResetSeenInTheAnswerToTheJobsOwnBusWriteAbortsItThere() throws Exception {
        AtomicBoolean rebootOnNextWrite = new AtomicBoolean();
        Rig[] self = new Rig[1];
        LocalMemoryBus ram = new LocalMemoryBus() {
            @Override
            public void writeFrom(List<Range> ranges, byte[] src, int offset) {
                super.writeFrom(ranges, src, offset);
                if (rebootOnNextWrite.getAndSet(false)) {
                    self[0].driver.machineReset(WHY);
                }
            }
        };
        rig = Rig.sva(8, 256, 1, 4, new FakeSmmu(ram));
        self[0] = rig;
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 64 * 4096L, true);
        assertThat(rig.run("memset", PASID, 0, BUF, 4 * 4096L, 1, 0).status()).isEqualTo(JobStatus.COMPLETED);

        rebootOnNextWrite.set(true);
        Job hit = rig.driver.submit(JobSpec.of("memset", PASID, null, BUF, 32 * 4096L, 2, null, 1L << 24));
        assertThat(hit.done().get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.ABORTED);
        assertThat(hit.error()).startsWith(WHY);
        assertThat(rig.device.pcie().atc().invalidationWaiting()).isFalse();
        assertThat(rig.run("memset", PASID, 0, BUF, 4 * 4096L, 3, 0).status()).as("the device is not wedged").isEqualTo(JobStatus.COMPLETED);
    }
}
