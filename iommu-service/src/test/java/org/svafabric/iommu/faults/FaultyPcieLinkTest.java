package org.svafabric.iommu.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultSpec;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.testing.FakePcieLink.PageResponse;
import org.svafabric.iommu.hw.testing.FakePcieLink;

/** The SMMU's PCIe side with its link faults: lost, late and Response Failure PRG responses, only where armed. */
class FaultyPcieLinkTest {
    private final FakePcieLink link = new FakePcieLink().answeringAtOnce();
    private final FaultInjector faults = new FaultInjector("iommu-service", e -> { });
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final FaultyPcieLink port = new FaultyPcieLink(link, faults, sid -> sid == 0x100 ? "0000:01:00.0" : "0000:02:00.0", timers);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private void arm(String kind, String device, Long count, Long delay) {
        faults.arm(List.of(new FaultSpec(kind, device, null, count, delay)));
    }

    @Test
    void withNothingArmedEveryResponseGoesThroughUnchanged() {
        port.pageResponse(0x100, 5, true, 7, PrgResponseCode.SUCCESS);
        port.pageResponse(0x200, 0, false, 8, PrgResponseCode.INVALID);
        assertThat(link.responses()).containsExactly(new PageResponse(0x100, 5, true, 7, PrgResponseCode.SUCCESS),
                new PageResponse(0x200, 0, false, 8, PrgResponseCode.INVALID));
    }

    @Test
    void aDropLosesTheArmedDevicesResponseOnly() {
        arm("prg-response-drop", "0000:01:00.0", 1L, null);
        port.pageResponse(0x200, 0, false, 1, PrgResponseCode.SUCCESS);
        port.pageResponse(0x100, 5, true, 2, PrgResponseCode.SUCCESS);
        port.pageResponse(0x100, 5, true, 3, PrgResponseCode.SUCCESS);
        assertThat(link.responses()).extracting(PageResponse::prgIndex).containsExactly(1, 3);
    }

    @Test
    void responseFailureReplacesTheHandlersAnswer() {
        arm("response-failure", null, null, null);
        port.pageResponse(0x100, 5, true, 2, PrgResponseCode.SUCCESS);
        assertThat(link.responses()).containsExactly(new PageResponse(0x100, 5, true, 2, PrgResponseCode.FAILURE));
    }

    @Test
    void aDelayedResponseArrivesLater() {
        arm("prg-response-delay", null, 1L, 200L);
        port.pageResponse(0x100, 5, true, 2, PrgResponseCode.SUCCESS);
        assertThat(link.responses()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> link.responses().size() == 1);
        assertThat(link.responses().get(0).prgIndex()).isEqualTo(2);
    }
}
