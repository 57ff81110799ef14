package org.svafabric.device.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/** Untranslated DMA: a stall-capable platform device, and a PCIe function without PASID (classical DMA). */
class StallPathTest {
    private static final int PASID = 3;
    private static final long BUF = 0x4000_0000L;

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void aStalledTransactionResumedWithRetryCompletesAndCountsTheStalls() {
        rig = Rig.platform(1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 3 * 4096, true);
        rig.smmu.stall(FakeSmmu.Stall.RESUME_RETRY);
        Job j = rig.run("memset", PASID, 0, BUF, 3 * 4096, 0x5a, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.faults().stalls()).isEqualTo(3);
        assertThat(j.faults().pageRequests()).isZero();
        byte[] expected = new byte[3 * 4096];
        Arrays.fill(expected, (byte) 0x5a);
        assertThat(mm.read(BUF, 3 * 4096)).isEqualTo(expected);
        assertThat(rig.device.metrics().stalls.count()).isEqualTo(3);
    }

    @Test
    void aStallAbortedFailsTheJobWithTheEventAndAddress() {
        rig = Rig.platform(1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.populate(BUF, 4096, true);
        rig.smmu.stall(FakeSmmu.Stall.RESUME_ABORT);
        Job j = rig.run("memset", PASID, 0, BUF + 2048, 8192, 1, 0);
        assertThat(j.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(j.faultAddr()).isEqualTo(BUF + 4096);
        assertThat(j.event()).isEqualTo("F_TRANSLATION");
        assertThat(j.error()).contains("stalled transaction aborted");
        assertThat(j.faults().stalls()).isEqualTo(1);
    }

    @Test
    void aStallAbortedWhileTheProcessExitsIsTheExitOvertakingTheJobNotAFault() {
        rig = Rig.platform(1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.populate(BUF, 4096, true);
        rig.smmu.stall(FakeSmmu.Stall.RESUME_ABORT);
        rig.smmu.exiting(PASID);
        Job j = rig.run("memset", PASID, 0, BUF + 2048, 8192, 1, 0);
        assertThat(j.status()).isEqualTo(JobStatus.ABORTED);
        assertThat(j.error()).contains("PASID " + PASID + " is exiting");
        assertThat(j.faults().stalls()).isEqualTo(1);
    }

    @Test
    void classicalDmaToAnUnmappedIovaFailsWithTheSmmuEvent() {
        rig = Rig.classical();
        AddressSpace domain = rig.smmu.domain(rig.device.sid());
        domain.populate(0x10_0000, 4096, true);
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 9);
        domain.write(0x10_0000, data);
        Job ok = rig.run("sum64", null, 0x10_0000, 0, 4096, 0, 0);
        assertThat(ok.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(ok.result()).isEqualTo("0x" + Long.toHexString(512 * 0x0909090909090909L));

        Job bad = rig.run("memcpy", null, 0x10_0000, 0x20_0000, 4096, 0, 0);
        assertThat(bad.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(bad.event()).isEqualTo("F_TRANSLATION");
        assertThat(bad.faultAddr()).isEqualTo(0x20_0000L);
        assertThat(bad.faults().stalls()).isZero();
    }
}
