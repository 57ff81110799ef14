package org.svafabric.iommu.hw.pri;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.testing.FakePcieLink;
import org.svafabric.iommu.hw.testing.FakePcieLink.PageResponse;

/**
 * A page-request group arriving together is written to the PRI queue in one bus access, PROD moving once
 * past all of it; software's CONS writes never wait behind that write. On a 4-entry queue.
 */
class PriQueueGroupWriteTest {
    private static final long BASE = 0x30_0000;

    /** RAM that counts bus requests (a batch is one) and can hold a write until released. */
    static final class CountingBus extends LocalMemoryBus {
        final AtomicInteger writeRequests = new AtomicInteger();
        volatile CountDownLatch hold;
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile boolean abort;

        @Override
        public void writeBatch(List<Write> writes) {
            writeRequests.incrementAndGet();
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (abort) {
                throw new IllegalStateException("external abort");
            }
            for (Write w : writes) {
                super.write(w.pa(), w.data());
            }
        }

        @Override
        public void write(long pa, byte[] data) {
            writeBatch(List.of(new Write(pa, data)));
        }
    }

    private final CountingBus ram = new CountingBus();
    private final FakePcieLink port = new FakePcieLink();
    private final GlobalErrors gerror = new GlobalErrors(Irq.NONE);
    private final AtomicInteger irqs = new AtomicInteger();

    private PriQueue queue() {
        PriQueue q = new PriQueue(ram, gerror, irqs::incrementAndGet, port, sid -> Optional.of(true),
                new PriQueue.Features(true, false), 19);
        q.configure(new QueueBase(BASE, 2, false));
        q.setEnabled(true);
        return q;
    }

    private static List<PageRequest> group(int prgi, int pages, long first) {
        List<PageRequest> g = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            g.add(new PageRequest(0x100, true, 42, prgi, i == pages - 1, true, true, false, false, first + i * 0x1000L));
        }
        return g;
    }

    private PageRequest entryAt(int index) {
        return PageRequest.decode(Words.fromBytes(ram.read(BASE + index * 16L, 16)));
    }

    @Test
    void aGroupIsOneBusWriteAndOneProdMove() {
        PriQueue q = queue();
        List<PageRequest> g = group(3, 3, 0x7000_0000L);
        q.receive(g);
        assertThat(ram.writeRequests).as("one bus request for the three entries").hasValue(1);
        assertThat(List.of(entryAt(0), entryAt(1), entryAt(2))).isEqualTo(g);
        assertThat(q.readProd()).isEqualTo(3);
        assertThat(irqs).as("one interrupt for the group").hasValue(1);
        assertThat(port.responses()).isEmpty();
    }

    @Test
    void aGroupThatWrapsIsStillOneBusRequestInTwoRuns() {
        PriQueue q = queue();
        q.receive(group(1, 3, 0x1000));
        q.writeCons(3);
        ram.writeRequests.set(0);
        List<PageRequest> g = group(2, 2, 0x9000);
        q.receive(g);
        assertThat(ram.writeRequests).hasValue(1);
        assertThat(entryAt(3)).isEqualTo(g.get(0));
        assertThat(entryAt(0)).as("index 0, wrap flag toggled").isEqualTo(g.get(1));
        assertThat(q.readProd()).isEqualTo(0b101);
    }

    @Test
    void aGroupLargerThanTheRoomLeftOverflowsAtTheFirstEntryThatDoesNotFit() {
        PriQueue q = queue();
        q.receive(group(5, 6, 0x1000));
        assertThat(q.readProd() & 0x7).as("four written, wrap flag set").isEqualTo(0b100);
        assertThat(q.readProd() & 0x8000_0000).as("OVFLG toggled").isNotZero();
        assertThat(q.lostRequests()).isEqualTo(2);
        assertThat(port.responses()).as("the lost Last request answered by the SMMU, with its PASID (PPAR)")
                .containsExactly(new PageResponse(0x100, 42, true, 5, PrgResponseCode.SUCCESS));
    }

    @Test
    void anAbortedGroupWriteAnswersEveryRequestAndLeavesProd() {
        PriQueue q = queue();
        ram.abort = true;
        q.receive(group(7, 2, 0x1000));
        assertThat(gerror.isActive(Gerror.PRIQ_ABT_ERR)).isTrue();
        assertThat(q.readProd()).isZero();
        assertThat(port.responses()).extracting(PageResponse::code)
                .containsExactly(PrgResponseCode.FAILURE, PrgResponseCode.FAILURE);
        assertThat(port.responses()).allMatch(r -> !r.pasidValid() && r.prgIndex() == 7);
    }

    @Test
    void softwareReadsProdAndWritesConsWhileAGroupIsBeingWritten() throws Exception {
        PriQueue q = queue();
        q.receive(group(1, 2, 0x1000));
        ram.hold = new CountDownLatch(1);
        ram.entered = new CountDownLatch(1);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> q.receive(group(2, 2, 0x5000)));
        assertThat(ram.entered.await(5, TimeUnit.SECONDS)).as("the producer is inside its bus write").isTrue();
        CompletableFuture<Integer> consumer = CompletableFuture.supplyAsync(() -> {
            q.writeCons(2);
            return q.readProd();
        });
        assertThat(consumer.get(5, TimeUnit.SECONDS)).as("PROD not yet past the group being written").isEqualTo(2);
        ram.hold.countDown();
        producer.get(5, TimeUnit.SECONDS);
        assertThat(q.readProd()).isEqualTo(4);
        assertThat(q.readCons()).isEqualTo(2);
    }
}
