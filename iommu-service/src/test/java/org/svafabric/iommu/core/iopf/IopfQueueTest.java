package org.svafabric.iommu.core.iopf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.testing.FakeIommuDriver.PageResponse;
import org.svafabric.iommu.core.testing.FakeIommuDriver.Resume;
import org.svafabric.iommu.core.testing.SvaHarness;

/** The I/O page-fault queue and the SVA fault handler behind it. */
class IopfQueueTest {
    private static final long PID = 10;

    private SvaHarness h = new SvaHarness();
    private Device dev;
    private int pasid;

    private void setUp(SvaHarness harness, Device device) {
        h = harness;
        dev = device;
        h.sva.deviceInit(dev, SvaHarness.SVA, 0);
        h.mm.spawn(PID);
        h.mm.map(PID, 0x10000, 0x10000, "rw");
        h.mm.map(PID, 0x40000, 0x1000, "r");
        h.mm.map(PID, 0x50000, 0x1000, "rx");
        pasid = h.bind(dev, PID);
    }

    private void setUp() {
        setUp(h, SvaHarness.pci("00:01.0", 8));
    }

    @AfterEach
    void close() {
        h.close();
    }

    private IopfFault read(int prg, boolean last, long addr) {
        return IopfFault.pageRequest(dev, pasid, prg, last, true, false, false, false, addr);
    }

    private IopfFault write(int prg, boolean last, long addr) {
        return IopfFault.pageRequest(dev, pasid, prg, last, true, true, false, false, addr);
    }

    private PageResponse response(int prg, PrgResponseCode code) {
        return new PageResponse(dev.id(), OptionalInt.empty(), prg, code);
    }

    private void flush() {
        h.queue.flushDevice(dev);
    }

    @Test
    void partialRequestsWaitForTheLastOfTheirGroupAndGoToMmServiceAsOneCall() {
        setUp();
        h.queue.report(read(5, false, 0x10000));
        h.queue.report(write(5, false, 0x11000));
        flush();
        assertThat(h.driver.responses).isEmpty();
        assertThat(h.mm.faultCalls).isEmpty();
        assertThat(h.gauge("sva.iopf.partial")).isEqualTo(2);

        h.queue.report(read(5, true, 0x12000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(5, PrgResponseCode.SUCCESS));
        assertThat(h.mm.faultCalls).singleElement().satisfies(c -> {
            assertThat(c.pid()).isEqualTo(PID);
            assertThat(c.faults()).containsExactly(new MmFault(0x10000, MmFault.Access.READ, false),
                    new MmFault(0x11000, MmFault.Access.WRITE, false), new MmFault(0x12000, MmFault.Access.READ, false));
        });
        assertThat(h.gauge("sva.iopf.partial")).isZero();
    }

    @Test
    void afterAPriQueueOverflowPartialsAreDiscardedSoALaterGroupWithTheSameIndexStandsAlone() {
        setUp();
        h.queue.report(read(9, false, 0x10000));
        h.queue.report(read(9, false, 0x11000));
        // The overflow may have lost the Last of group 9: its partials must not join the next group 9.
        assertThat(h.queue.discardPartial()).isEqualTo(2);
        assertThat(h.gauge("sva.iopf.partial")).isZero();
        assertThat(h.counter("sva.iopf.partial.discarded")).isEqualTo(2);

        h.queue.report(read(9, true, 0x12000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(9, PrgResponseCode.SUCCESS));
        assertThat(h.mm.faultCalls).singleElement().satisfies(c ->
                assertThat(c.faults()).extracting(MmFault::addr).containsExactly(0x12000L));
    }

    @Test
    void groupsAreKeyedByPrgIndex() {
        setUp();
        h.queue.report(read(1, false, 0x10000));
        h.queue.report(read(2, false, 0x40000));
        h.queue.report(read(1, true, 0x11000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.SUCCESS));
        assertThat(h.mm.faultCalls.get(0).faults()).extracting(MmFault::addr).containsExactly(0x10000L, 0x11000L);
        h.queue.report(read(2, true, 0x40000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.SUCCESS), response(2, PrgResponseCode.SUCCESS));
    }

    @Test
    void aStopMarkerGetsNoResponse() {
        setUp();
        h.queue.report(IopfFault.pageRequest(dev, pasid, 7, true, false, false, false, false, 0));
        flush();
        assertThat(h.driver.responses).isEmpty();
        assertThat(h.mm.faultCalls).isEmpty();
        assertThat(h.counter("sva.iopf.stop_markers")).isEqualTo(1);
    }

    @Test
    void aRequestWithoutPasidIsInvalidAndErrorsAreSticky() {
        setUp();
        // The request without PASID comes first: nothing after it is serviced.
        h.queue.report(IopfFault.pageRequest(dev, null, 3, false, true, false, false, false, 0x10000));
        h.queue.report(read(3, true, 0x11000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(3, PrgResponseCode.INVALID));
        assertThat(h.mm.faultCalls).isEmpty();

        // The valid request first is serviced, then the one without PASID ends the group.
        h.queue.report(read(4, false, 0x12000));
        h.queue.report(IopfFault.pageRequest(dev, null, 4, true, true, false, false, false, 0x13000));
        flush();
        assertThat(h.driver.responses).endsWith(response(4, PrgResponseCode.INVALID));
        assertThat(h.mm.faultCalls).singleElement().extracting(c -> c.faults().size()).isEqualTo(1);
    }

    @Test
    void aRefusedPageMakesTheGroupInvalid() {
        setUp();
        h.queue.report(read(1, false, 0x10000));
        h.queue.report(read(1, false, 0x90000));
        h.queue.report(read(1, true, 0x11000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.INVALID));
        assertThat(h.mm.faultCalls).hasSize(1);
    }

    @Test
    void permissionsAreCheckedByMmService() {
        setUp();
        h.queue.report(write(1, true, 0x40000));
        h.queue.report(IopfFault.pageRequest(dev, pasid, 2, true, true, false, true, false, 0x50000));
        h.queue.report(IopfFault.pageRequest(dev, pasid, 3, true, true, false, true, true, 0x50000));
        h.queue.report(IopfFault.pageRequest(dev, pasid, 4, true, true, false, true, false, 0x10000));
        flush();
        assertThat(h.driver.responses).containsExactlyInAnyOrder(response(1, PrgResponseCode.INVALID),
                response(2, PrgResponseCode.SUCCESS), response(3, PrgResponseCode.INVALID),
                response(4, PrgResponseCode.INVALID));
    }

    @Test
    void anUnknownPasidIsInvalid() {
        setUp();
        h.queue.report(IopfFault.pageRequest(dev, pasid + 1, 1, true, true, false, false, false, 0x10000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.INVALID));
        assertThat(h.mm.faultCalls).isEmpty();
    }

    @Test
    void theResponseCarriesThePasidOnlyWhenTheDeviceRequiresIt() {
        setUp(new SvaHarness(), new Device("00:03.0", 24, 20, true, true, false, true));
        h.queue.report(read(9, true, 0x10000));
        flush();
        assertThat(h.driver.responses).containsExactly(
                new PageResponse("00:03.0", OptionalInt.of(pasid), 9, PrgResponseCode.SUCCESS));
    }

    @Test
    void anInternalErrorIsAnsweredInvalid() {
        setUp();
        h.mm.onFault = pid -> {
            throw new IllegalStateException("mm-service timed out");
        };
        h.queue.report(read(1, true, 0x10000));
        flush();
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.INVALID));
        assertThat(h.counter("sva.iopf.internal_errors")).isEqualTo(1);
    }

    @Test
    void aStallIsResumedWithRetryOnSuccessAndAbortOtherwise() {
        setUp(new SvaHarness(), SvaHarness.platform("dma0", 64));
        h.queue.report(IopfFault.stall(dev, pasid, 11, true, false, false, 0x10000));
        h.queue.report(IopfFault.stall(dev, pasid, 12, true, false, false, 0x40000));
        h.queue.report(IopfFault.stall(dev, null, 13, false, false, false, 0x10000));
        flush();
        assertThat(h.driver.resumes).containsExactlyInAnyOrder(new Resume("dma0", 11, true), new Resume("dma0", 12, false),
                new Resume("dma0", 13, false));
        assertThat(h.driver.responses).isEmpty();
        assertThat(h.events.ofType(CoreEvent.Type.STALL)).hasSize(3);
        assertThat(h.events.ofType(CoreEvent.Type.RESUME)).hasSize(3);
        assertThat(h.counter("sva.iopf.responses", "kind", "stall", "code", "SUCCESS")).isEqualTo(1);
        assertThat(h.counter("sva.iopf.responses", "kind", "stall", "code", "INVALID")).isEqualTo(2);
    }

    @Test
    void aDeviceNotOnTheQueueGetsInvalidForALastRequestAndNothingForAPartial() {
        setUp();
        Device stranger = SvaHarness.pci("00:09.0", 72);
        h.queue.report(IopfFault.pageRequest(stranger, 1, 1, false, true, false, false, false, 0x10000));
        h.queue.report(IopfFault.pageRequest(stranger, 1, 2, true, true, false, false, false, 0x10000));
        assertThat(h.driver.responses).containsExactly(
                new PageResponse("00:09.0", OptionalInt.empty(), 2, PrgResponseCode.INVALID));
        assertThat(h.counter("sva.iopf.partial.discarded")).isEqualTo(1);
    }

    @Test
    void aFullQueueAnswersInvalidAtOnceAndEveryGroupStillGetsOneResponse() {
        setUp(new SvaHarness(1, 1), SvaHarness.pci("00:01.0", 8));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        h.mm.onFault = pid -> {
            entered.countDown();
            await(letGo);
        };
        h.queue.report(read(1, true, 0x10000));
        await(entered);
        h.queue.report(read(2, true, 0x11000));
        h.queue.report(read(3, true, 0x12000));
        assertThat(h.driver.responses).containsExactly(response(3, PrgResponseCode.INVALID));
        assertThat(h.gauge("sva.iopf.queue.depth")).isEqualTo(1);
        letGo.countDown();
        flush();
        assertThat(h.driver.responses).containsExactlyInAnyOrder(response(1, PrgResponseCode.SUCCESS),
                response(2, PrgResponseCode.SUCCESS), response(3, PrgResponseCode.INVALID));
    }

    @Test
    void flushWaitsForAGroupInServiceButNotForOtherPasids() {
        setUp();
        h.mm.spawn(PID + 1);
        h.mm.map(PID + 1, 0x10000, 0x1000, "rw");
        int other = h.bind(dev, PID + 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        h.mm.onFault = pid -> {
            if (pid == PID + 1) {
                entered.countDown();
                await(letGo);
            }
        };
        h.queue.report(IopfFault.pageRequest(dev, other, 1, true, true, false, false, false, 0x10000));
        await(entered);
        // A flush for another PASID does not wait for the blocked group.
        h.queue.flush(dev, pasid);
        CompletableFuture<Void> flush = SvaHarness.inThread("flusher", () -> h.queue.flush(dev, other));
        SvaHarness.awaitParked("flusher");
        assertThat(flush).isNotDone();
        assertThat(h.driver.responses).isEmpty();
        letGo.countDown();
        SvaHarness.await(flush);
        assertThat(h.driver.responses).containsExactly(response(1, PrgResponseCode.SUCCESS));
    }

    @Test
    void metersAndEventsFollowEachRequestAndGroup() {
        setUp();
        h.queue.report(read(1, false, 0x10000));
        h.queue.report(read(1, true, 0x11000));
        h.queue.report(read(2, true, 0x90000));
        flush();
        assertThat(h.counter("sva.iopf.page_requests", "kind", "pri")).isEqualTo(3);
        assertThat(h.counter("sva.iopf.groups", "kind", "pri")).isEqualTo(2);
        assertThat(h.counter("sva.iopf.responses", "kind", "pri", "code", "SUCCESS")).isEqualTo(1);
        assertThat(h.counter("sva.iopf.responses", "kind", "pri", "code", "INVALID")).isEqualTo(1);
        assertThat(h.meters.get("sva.iopf.latency").tag("kind", "pri").timer().count()).isEqualTo(2);
        assertThat(h.events.ofType(CoreEvent.Type.PRI_REQUEST)).extracting(CoreEvent::detail)
                .containsExactly("prg 1 r---", "prg 1 last r---", "prg 2 last r---");
        List<CoreEvent> responses = h.events.ofType(CoreEvent.Type.PRI_RESPONSE);
        assertThat(responses).extracting(CoreEvent::detail).containsExactlyInAnyOrder("prg 1 SUCCESS", "prg 2 INVALID");
        assertThat(responses).allSatisfy(e -> assertThat(e.pasid()).isEqualTo(pasid));
    }

    @Test
    void removingADeviceDiscardsItsPartials() {
        setUp();
        h.queue.report(read(1, false, 0x10000));
        h.sva.deviceShutdown(dev);
        assertThat(h.gauge("sva.iopf.partial")).isZero();
        assertThat(h.counter("sva.iopf.partial.discarded")).isEqualTo(1);
        assertThat(h.driver.responses).isEmpty();
    }

    @Test
    void theTracepointsFollowTheFaultPathReportThenGroupThenResponse() {
        setUp();
        h.queue.report(read(1, false, 0x10000));
        h.queue.report(read(1, true, 0x11000));
        flush();
        assertThat(h.trace.lines()).endsWith("reported prg 1", "reported prg 1 last", "complete prg 1",
                "responded prg 1 SUCCESS");
    }

    @Test
    void aStopMarkerAndADiscardedPartialAreTracedAndNothingIsResponded() {
        setUp();
        h.queue.report(read(4, false, 0x10000));
        h.queue.discardPartial();
        h.queue.report(IopfFault.pageRequest(dev, pasid, 7, true, false, false, false, false, 0));
        flush();
        assertThat(h.trace.starting("discarded")).containsExactly("discarded 1");
        assertThat(h.trace.starting("stop marker")).containsExactly("stop marker prg 7");
        assertThat(h.trace.starting("responded")).isEmpty();
    }

    @Test
    void aGroupThatCannotBeServicedIsTracedAsFailedThenRespondedInvalidWithTheReason() {
        setUp();
        h.mm.onFault = pid -> {
            throw new IllegalStateException("mm-service timed out");
        };
        h.queue.report(read(2, true, 0x10000));
        flush();
        assertThat(h.trace.starting("failed")).containsExactly("failed prg 2: internal error: mm-service timed out");
        assertThat(h.trace.starting("responded"))
                .containsExactly("responded prg 2 INVALID: internal error: mm-service timed out");
        assertThat(h.events.ofType(CoreEvent.Type.PRI_RESPONSE)).extracting(CoreEvent::detail)
                .containsExactly("prg 2 INVALID (internal error: mm-service timed out)");
    }

    @Test
    void aResponseTheDriverCannotSendIsTracedAndCountedAndNoResponseEventIsLogged() {
        setUp();
        h.driver.failResponses = new IllegalStateException("CMDQ_ERR");
        h.queue.report(read(3, true, 0x10000));
        flush();
        assertThat(h.trace.starting("response failed")).containsExactly("response failed prg 3");
        assertThat(h.trace.starting("responded")).isEmpty();
        assertThat(h.counter("sva.iopf.response_errors")).isEqualTo(1);
        assertThat(h.events.ofType(CoreEvent.Type.PRI_RESPONSE)).isEmpty();
        assertThat(h.meters.get("sva.iopf.latency").tag("kind", "pri").timer().count()).isZero();
    }

    @Test
    void aStallIsTracedAsReportedThenResumed() {
        setUp(new SvaHarness(), SvaHarness.platform("dma0", 64));
        h.queue.report(IopfFault.stall(dev, pasid, 21, false, false, false, 0x10000));
        flush();
        assertThat(h.trace.lines()).endsWith("reported stag 21 last", "complete stag 21", "responded stag 21 SUCCESS");
        assertThat(h.events.ofType(CoreEvent.Type.RESUME)).extracting(CoreEvent::detail).containsExactly("stag 21 retry");
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(SvaHarness.WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
