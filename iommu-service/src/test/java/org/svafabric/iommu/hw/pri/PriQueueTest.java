package org.svafabric.iommu.hw.pri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.testing.FakePcieLink.PageResponse;
import org.svafabric.iommu.hw.testing.FakePcieLink;
import org.svafabric.iommu.hw.testing.FaultyBus;

/**
 * The PRI queue's full-queue behaviour as IHI 0070 §8.1 specifies it, and the unusable-queue rules of §8.2,
 * on a 2-entry queue.
 */
class PriQueueTest {
    private static final long BASE = 0x30_0000;
    private static final int OVF = 0x8000_0000;

    private final FaultyBus ram = new FaultyBus();
    private final FakePcieLink port = new FakePcieLink();
    private final GlobalErrors gerror = new GlobalErrors(Irq.NONE);
    private final AtomicInteger irqs = new AtomicInteger();
    private Optional<Boolean> ppar = Optional.of(true);

    private PriQueue queue(boolean substreams, boolean pps) {
        PriQueue q = new PriQueue(ram, gerror, irqs::incrementAndGet, port, sid -> ppar,
                new PriQueue.Features(substreams, pps), 19);
        q.configure(new QueueBase(BASE, 1, false));
        q.setEnabled(true);
        return q;
    }

    private static PageRequest ppr(int prgi, boolean last) {
        return new PageRequest(0x100, false, 0, prgi, last, true, false, false, false, 0x4000L + prgi * 0x1000L);
    }

    private static PageRequest pasidPpr(int prgi, boolean last) {
        return new PageRequest(0x100, true, 42, prgi, last, true, true, false, false, 0x4000);
    }

    private PageRequest entryAt(int index) {
        return PageRequest.decode(Words.fromBytes(ram.read(BASE + index * 16L, 16)));
    }

    @Test
    void requestsLandAtProdWithAnInterrupt() {
        PriQueue q = queue(true, false);
        q.receive(ppr(1, false));
        q.receive(ppr(1, true));
        assertThat(entryAt(0)).isEqualTo(ppr(1, false));
        assertThat(entryAt(1)).isEqualTo(ppr(1, true));
        assertThat(q.readProd()).isEqualTo(0b10);
        assertThat(irqs).hasValue(2);
        assertThat(port.responses()).isEmpty();
    }

    @Test
    void depthCountsWrittenEntriesSoftwareHasNotConsumedAcrossTheWrap() {
        PriQueue q = queue(true, false);
        assertThat(q.depth()).isZero();
        q.receive(ppr(1, false));
        q.receive(ppr(1, true));
        assertThat(q.depth()).as("full: two of two").isEqualTo(2);
        q.writeCons(0b01);
        assertThat(q.depth()).isEqualTo(1);
        q.receive(ppr(2, true)); // written at index 0 with the wrap flag toggled
        assertThat(q.readProd()).isEqualTo(0b11);
        assertThat(q.depth()).isEqualTo(2);
        q.writeCons(0b11);
        assertThat(q.depth()).isZero();
    }

    @Test
    void aFullQueueEntersOverflowAndAnswersTheDiscardedLastRequestWithSuccess() {
        PriQueue q = queue(true, false);
        q.receive(ppr(1, false));
        q.receive(ppr(1, false));
        q.receive(ppr(2, true)); // queue full: overflow becomes active with this PPR, which is answered
        assertThat(q.readProd()).isEqualTo(OVF | 0b10);
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 0, false, 2, PrgResponseCode.SUCCESS));
        assertThat(q.lostRequests()).isEqualTo(1);
    }

    @Test
    void lastZeroRequestsAndStopMarkersAreDroppedSilentlyInOverflow() {
        PriQueue q = queue(true, false);
        q.receive(ppr(1, false));
        q.receive(ppr(1, false));
        q.receive(ppr(3, false));
        q.receive(new PageRequest(0x100, true, 42, 0, true, false, false, false, false, 0));
        assertThat(port.responses()).isEmpty();
        assertThat(q.lostRequests()).isEqualTo(2);
    }

    @Test
    void overflowInhibitsWritesEvenWithRoomUntilSoftwareAcknowledgesIt() {
        PriQueue q = queue(true, false);
        q.receive(ppr(1, false));
        q.receive(ppr(1, false));
        q.receive(ppr(1, true)); // overflow, auto-response for group 1
        q.writeCons(0b10); // software consumed both entries but did not acknowledge
        q.receive(ppr(4, true));
        assertThat(q.readProd()).as("nothing written while overflow is active").isEqualTo(OVF | 0b10);
        assertThat(port.responses()).extracting(PageResponse::prgIndex).containsExactly(1, 4);

        q.writeCons(OVF | 0b10); // acknowledged: OVACKFLG = OVFLG
        q.receive(ppr(5, true));
        assertThat(q.readProd()).isEqualTo(OVF | 0b11);
        assertThat(entryAt(0)).isEqualTo(ppr(5, true));
        assertThat(port.responses()).hasSize(2);
    }

    @Test
    void withPpsTheAutoResponseEchoesThePasid() {
        PriQueue q = queue(true, true);
        ppar = Optional.empty(); // PPS == 1: STE.PPAR is not checked
        fillAndOverflow(q, pasidPpr(7, true));
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 42, true, 7, PrgResponseCode.SUCCESS));
    }

    @Test
    void withoutPpsStePparDecidesThePasidAndAnUncheckableSteGivesFailure() {
        PriQueue q = queue(true, false);
        ppar = Optional.of(false);
        fillAndOverflow(q, pasidPpr(7, true));
        ppar = Optional.of(true);
        q.receive(pasidPpr(8, true));
        ppar = Optional.empty();
        q.receive(pasidPpr(9, true));
        assertThat(port.responses()).containsExactly(
                new PageResponse(0x100, 0, false, 7, PrgResponseCode.SUCCESS),
                new PageResponse(0x100, 42, true, 8, PrgResponseCode.SUCCESS),
                new PageResponse(0x100, 0, false, 9, PrgResponseCode.FAILURE));
    }

    @Test
    void withoutSubstreamsTheAutoResponseHasNoPasid() {
        PriQueue q = queue(false, true);
        fillAndOverflow(q, pasidPpr(7, true));
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 0, false, 7, PrgResponseCode.SUCCESS));
    }

    private void fillAndOverflow(PriQueue q, PageRequest last) {
        q.receive(ppr(1, false));
        q.receive(ppr(1, false));
        q.receive(last);
    }

    @Test
    void aDisabledQueueAnswersEveryRequestWithResponseFailureWithoutPasid() {
        PriQueue q = queue(true, true);
        q.setEnabled(false);
        q.receive(pasidPpr(3, false));
        q.receive(pasidPpr(3, true));
        q.receive(new PageRequest(0x100, true, 42, 0, true, false, false, false, false, 0));
        assertThat(port.responses()).containsExactly(
                new PageResponse(0x100, 0, false, 3, PrgResponseCode.FAILURE),
                new PageResponse(0x100, 0, false, 3, PrgResponseCode.FAILURE));
        assertThat(q.readProd()).isZero();
    }

    @Test
    void anAbortedWriteRaisesPriqAbtErrAndAnswersWithResponseFailure() {
        PriQueue q = queue(true, false);
        ram.failWrites(BASE, BASE + 32);
        q.receive(ppr(6, false));
        assertThat(gerror.isActive(Gerror.PRIQ_ABT_ERR)).isTrue();
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 0, false, 6, PrgResponseCode.FAILURE));
        ram.heal();
        q.receive(ppr(7, true));
        assertThat(port.responses()).hasSize(2);
        assertThat(q.readProd()).isZero();
    }

    @Test
    void anInjectedOverflowHitsTheLastRequestLeavingTheGroupPartialAndRaisesTheInterrupt() {
        PriQueue q = queue(true, false);
        AtomicInteger asked = new AtomicInteger();
        q.overflowWhen(sid -> sid == 0x100 && asked.incrementAndGet() == 1);
        q.receive(ppr(1, false)); // written: the hook is asked about Last requests only
        q.receive(ppr(1, true));  // meets the "full" queue: overflow, answered Success by the SMMU
        assertThat(asked).hasValue(1);
        assertThat(q.readProd()).isEqualTo(OVF | 0b01);
        assertThat(entryAt(0)).isEqualTo(ppr(1, false));
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 0, false, 1, PrgResponseCode.SUCCESS));
        assertThat(q.lostRequests()).isEqualTo(1);
        assertThat(irqs).as("one for the written entry, one so the driver sees OVFLG").hasValue(2);

        q.receive(ppr(2, true)); // still in overflow until software acknowledges it
        assertThat(q.lostRequests()).isEqualTo(2);
        q.writeCons(OVF | 0b01);
        q.receive(ppr(3, true));
        assertThat(q.readProd()).isEqualTo(OVF | 0b10);
        assertThat(asked).as("the hook fired once; afterwards the queue is itself again").hasValue(2);
    }
}
