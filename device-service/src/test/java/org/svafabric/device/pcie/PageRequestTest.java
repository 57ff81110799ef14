package org.svafabric.device.pcie;

import org.svafabric.api.wire.PrgResponseCode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.iommu.PageRequest;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/** DMA to pages that are not resident: ATS "no translation", PRI groups, the three responses. */
class PageRequestTest {
    private static final int PASID = 9;
    private static final long BUF = 0x5500_0000_0000L;

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void groupsNeverExceedTheOutstandingAllocationUnderConcurrentFaults() throws Exception {
        int allocation = 3;
        rig = Rig.sva(allocation, 256, 4, 16);
        AddressSpace mm = rig.smmu.bind(PASID);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        int jobs = 8;
        long len = 40 * 4096L;
        mm.allow(BUF, jobs * len, true);
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            submitted.add(rig.driver.submit(JobSpec.of("memset", PASID, null, BUF + i * len, len, 0x11 * (i + 1), null, 1L << 24)));
        }
        // The "IOPF handler": answers the groups in a seeded random order, a few at a time.
        Random random = new Random(20240611);
        List<FakeSmmu.Group> waiting = new ArrayList<>();
        PageRequestInterface pri = rig.device.pcie().pri();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!submitted.stream().allMatch(j -> j.status().isFinal())) {
            assertThat(System.nanoTime()).as("the jobs end within 60 s").isLessThan(deadline);
            FakeSmmu.Group g = held.poll(10, TimeUnit.MILLISECONDS);
            if (g != null) {
                waiting.add(g);
            }
            assertThat(pri.outstanding()).isLessThanOrEqualTo(allocation);
            if (!waiting.isEmpty() && (g == null || random.nextInt(3) == 0)) {
                rig.smmu.answer(waiting.remove(random.nextInt(waiting.size())), PrgResponseCode.SUCCESS);
            }
        }
        for (int i = 0; i < jobs; i++) {
            assertThat(submitted.get(i).status()).isEqualTo(JobStatus.COMPLETED);
            byte[] expected = new byte[(int) len];
            Arrays.fill(expected, (byte) (0x11 * (i + 1)));
            assertThat(mm.read(BUF + i * len, (int) len)).isEqualTo(expected);
        }
        assertThat(pri.maxOutstanding()).isBetween(1, allocation);
        assertThat(pri.outstanding()).isZero();
        for (FakeSmmu.Group g : rig.smmu.groups) {
            assertThat(g.requests()).hasSizeLessThanOrEqualTo(allocation);
            List<Boolean> lastBits = g.requests().stream().map(PageRequest::last).toList();
            assertThat(lastBits.subList(0, lastBits.size() - 1)).doesNotContain(true);
            assertThat(g.requests()).allMatch(r -> r.read() && r.write() && !r.exec() && !r.priv());
        }
        long requested = rig.smmu.groups.stream().mapToLong(g -> g.requests().size()).sum();
        long jobRequests = submitted.stream().mapToLong(j -> j.faults().pageRequests()).sum();
        assertThat(jobRequests).isEqualTo(requested).isGreaterThanOrEqualTo(jobs * 40L);
        assertThat(rig.device.metrics().groups.count()).isEqualTo(rig.smmu.groups.size());
    }

    @Test
    void aSuccessResponseRetriesTheTranslationAndTheJobCompletes() {
        rig = Rig.sva(32, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 64 * 1024, true);
        Job j = rig.run("memset", PASID, 0, BUF, 64 * 1024, 7, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.faults().groups()).isEqualTo(4);
        assertThat(j.faults().pageRequests()).isEqualTo(16);
        assertThat(j.faults().invalid()).isZero();
        assertThat(mm.read(BUF + 64 * 1024 - 1, 1)).containsExactly(7);
        // Retranslation after each Success: one batch for the misses, one after the group's response, per segment.
        assertThat(rig.smmu.translationBatches).hasSize(8);
    }

    @Test
    void anInvalidRequestFailsTheJobAtTheFirstPageThatCannotBeMadeResident() {
        rig = Rig.sva(32, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 5 * 4096, true);
        Job j = rig.run("memset", PASID, 0, BUF + 100, 8 * 4096, 0x42, 0);
        assertThat(j.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(j.faultAddr()).isEqualTo(BUF + 5 * 4096);
        assertThat(j.error()).contains("Invalid Request");
        assertThat(j.faults().invalid()).isEqualTo(1);
        assertThat(rig.device.pcie().priFailed()).isFalse();
    }

    @Test
    void aResponseFailureDisablesPriUntilSoftwareReEnablesIt() {
        rig = Rig.sva(32, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 16 * 4096, true);
        rig.smmu.forceResponse(PrgResponseCode.FAILURE);
        Job first = rig.run("memset", PASID, 0, BUF, 4096, 1, 0);
        assertThat(first.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(first.error()).contains("Response Failure");
        assertThat(rig.device.pcie().priFailed()).isTrue();
        assertThat(rig.device.pcie().pri().statusRegister() & 1).isEqualTo(1);

        int groupsBefore = rig.smmu.groups.size();
        Job later = rig.run("memset", PASID, 0, BUF + 4096, 4096, 1, 0);
        assertThat(later.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(later.error()).contains("stopped by an earlier Response Failure");
        assertThat(rig.smmu.groups).hasSize(groupsBefore);

        rig.smmu.forceResponse(null);
        rig.device.pcie().control(null, true, null, 32);
        assertThat(rig.device.pcie().priFailed()).isFalse();
        assertThat(rig.run("memset", PASID, 0, BUF + 8192, 4096, 1, 0).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void aResponseForNoOutstandingGroupSetsUnexpectedPrgIndex() {
        rig = Rig.sva(32, 256, 1, 4);
        PageRequestInterface pri = rig.device.pcie().pri();
        assertThat(pri.respond(77, PASID, PrgResponseCode.SUCCESS)).isFalse();
        assertThat(pri.statusRegister() & PriCapability.STATUS_UNEXPECTED_PRG_INDEX.mask()).isNotZero();
        assertThat(pri.outstanding()).isZero();
    }

    @Test
    void withPriDisabledANonResidentPageFailsAtOnce() {
        rig = Rig.sva(32, 256, 1, 4);
        rig.device.pcie().control(null, false, null, null);
        rig.smmu.bind(PASID).allow(BUF, 4096, true);
        Job j = rig.run("memset", PASID, 0, BUF, 4096, 1, 0);
        assertThat(j.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(j.error()).contains("PRI is not enabled");
        assertThat(rig.smmu.groups).isEmpty();
    }
}
