package org.svafabric.device.pcie;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;
import org.svafabric.device.testing.Rig;

/** The PRI interface's own audit: every page request group answered exactly once. */
@Timeout(60)
class PageRequestAuditTest {
    private static final int PASID = 3;
    private static final long BUF = 0x5600_0000_0000L;

    private Rig rig;

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void groupsAnsweredOnceLeaveNoFinding() throws Exception {
        rig = Rig.sva(8, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        mm.allow(BUF, 4 * 4096L, true);
        Job j = rig.run("memset", PASID, 0, BUF, 4 * 4096L, 1, 0);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.faults().groups()).isPositive();
        assertThat(rig.device.pcie().pri().audit("dev")).isEmpty();
    }

    @Test
    void aSecondResponseToAnAnsweredGroupIsFound() throws Exception {
        rig = Rig.sva(8, 256, 1, 4);
        AddressSpace mm = rig.smmu.bind(PASID);
        BlockingQueue<FakeSmmu.Group> held = rig.smmu.holdGroups();
        mm.allow(BUF, 4096L, true);
        Job j = rig.driver.submit(JobSpec.of("memset", PASID, null, BUF, 4096L, 2, null, 1L << 24));
        FakeSmmu.Group g = held.poll(30, TimeUnit.SECONDS);
        assertThat(g).isNotNull();
        rig.smmu.answer(g, PrgResponseCode.SUCCESS);
        assertThat(j.done().get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(rig.device.pcie().pri().audit("dev")).isEmpty();

        assertThat(rig.device.pcie().pri().respond(g.prgIndex(), PASID, PrgResponseCode.SUCCESS)).isFalse();

        assertThat(rig.device.pcie().pri().audit("dev")).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.PAGE_REQUEST_ANSWERED_TWICE);
            assertThat(f.where()).contains("PRG index " + g.prgIndex());
        });
    }
}
