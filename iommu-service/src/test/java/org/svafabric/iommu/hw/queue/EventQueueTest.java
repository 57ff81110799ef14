package org.svafabric.iommu.hw.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.layout.EventRecord;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.testing.FaultyBus;
import org.svafabric.iommu.hw.layout.Gerror;

/** The event queue's producer rules (IHI 0070 §7.4, §3.12.2, §7.2.2), driven as the Linux driver would. */
class EventQueueTest {
    private static final long BASE = 0x20_0000;
    private static final int OVF = 0x8000_0000;

    private final FaultyBus ram = new FaultyBus();
    private final AtomicInteger irqs = new AtomicInteger();
    private final GlobalErrors gerror = new GlobalErrors(Irq.NONE);
    private final EventQueue queue = new EventQueue(ram, gerror, irqs::incrementAndGet, 19);

    EventQueueTest() {
        queue.configure(new QueueBase(BASE, 2, false));
        queue.setEnabled(true);
    }

    private static Event fault(long addr) {
        return Event.fault(EventType.F_TRANSLATION, 7, true, 1, addr, true, false, false, Event.CLASS_IN);
    }

    private Event entryAt(int index) {
        return EventRecord.decode(Words.fromBytes(ram.read(BASE + index * 32L, 32)));
    }

    private void fill() {
        for (int i = 0; i < 4; i++) {
            assertThat(queue.record(fault(0x1000L * i))).isTrue();
        }
    }

    @Test
    void aRecordLandsAtProdInRamBeforeProdMoves() {
        assertThat(queue.record(fault(0x5000))).isTrue();
        assertThat(entryAt(0)).isEqualTo(fault(0x5000));
        assertThat(queue.readProd()).isEqualTo(1);
        assertThat(irqs).hasValue(1);
    }

    @Test
    void anInjectedOverflowDiscardsANonStallRecordFlagsItAndWakesTheDriverButNeverAStallRecord() {
        AtomicInteger asked = new AtomicInteger();
        queue.overflowWhen(() -> asked.incrementAndGet() <= 2);
        assertThat(queue.record(fault(0x9000).stalled(3))).as("a stall record is never discarded").isTrue();
        assertThat(asked).as("nor is the hook asked about it").hasValue(0);
        assertThat(queue.record(fault(0xa000))).isFalse();
        assertThat(queue.lostEvents()).isEqualTo(1);
        assertThat(queue.readProd()).isEqualTo(OVF | 0b001);
        assertThat(irqs).as("the stall record's and the overflow's").hasValue(2);
        assertThat(queue.record(fault(0xb000))).isFalse();
        assertThat(queue.readProd()).as("OVFLG toggles once per overflow").isEqualTo(OVF | 0b001);
        assertThat(queue.record(fault(0xc000))).isTrue();
        assertThat(entryAt(1)).isEqualTo(fault(0xc000));
    }

    @Test
    void aFullQueueDiscardsTogglesOvflgOnceAndCountsEveryLoss() {
        fill();
        assertThat(queue.readProd()).isEqualTo(0b100);
        assertThat(queue.record(fault(0x9000))).isFalse();
        assertThat(queue.record(fault(0xa000))).isFalse();
        assertThat(queue.lostEvents()).isEqualTo(2);
        assertThat(queue.readProd()).isEqualTo(OVF | 0b100);
        assertThat(entryAt(0)).isEqualTo(fault(0));
    }

    @Test
    void anUnacknowledgedOverflowDoesNotStopRecordsOnceThereIsRoomButCannotBeSignalledTwice() {
        fill();
        queue.record(fault(0x9000));
        queue.writeCons(0b001); // consumed one entry, overflow not acknowledged
        assertThat(queue.record(fault(0xb000))).isTrue();
        assertThat(entryAt(0)).isEqualTo(fault(0xb000));
        assertThat(queue.record(fault(0xc000))).isFalse();
        assertThat(queue.readProd()).isEqualTo(OVF | 0b101);
        assertThat(queue.lostEvents()).isEqualTo(2);

        queue.writeCons(OVF | 0b101); // everything consumed, overflow acknowledged
        fillFrom(0b101);
        assertThat(queue.record(fault(0xd000))).isFalse();
        assertThat(queue.readProd()).as("a new overflow toggles OVFLG back").isEqualTo(0b001);
        assertThat(queue.lostEvents()).isEqualTo(3);
    }

    private void fillFrom(int cons) {
        for (int i = 0; i < 4; i++) {
            assertThat(queue.record(fault(0x100L * i))).isTrue();
        }
        assertThat(queue.readProd() & 0b111).isEqualTo(cons ^ 0b100);
    }

    @Test
    void aStallRecordIsRefusedButNeverDiscardedAsOverflow() {
        fill();
        assertThat(queue.record(fault(0x9000).stalled(3))).isFalse();
        assertThat(queue.lostEvents()).isZero();
        assertThat(queue.readProd()).isEqualTo(0b100);
        CompletionStage<Void> writable = queue.whenWritable();
        assertThat(writable.toCompletableFuture()).isNotDone();
        queue.writeCons(0b001);
        assertThat(writable.toCompletableFuture()).isDone();
        assertThat(queue.record(fault(0x9000).stalled(3))).isTrue();
    }

    @Test
    void aDisabledQueueDeliversNothingAndSignalsNoOverflow() {
        queue.setEnabled(false);
        assertThat(queue.record(fault(0x1000))).isFalse();
        assertThat(queue.droppedWhileDisabled()).isEqualTo(1);
        assertThat(queue.lostEvents()).isZero();
        assertThat(queue.readProd()).isZero();
        CompletionStage<Void> writable = queue.whenWritable();
        queue.setEnabled(true);
        assertThat(writable.toCompletableFuture()).isDone();
    }

    @Test
    void anAbortedWriteRaisesEvtqAbtErrAndNothingIsWrittenUntilItIsAcknowledged() {
        ram.failWrites(BASE, BASE + 128);
        assertThat(queue.record(fault(0x1000))).isFalse();
        assertThat(gerror.isActive(Gerror.EVTQ_ABT_ERR)).isTrue();
        assertThat(queue.readProd()).isZero();
        ram.heal();
        assertThat(queue.record(fault(0x2000))).isFalse();
        gerror.writeGerrorn(gerror.gerror());
        assertThat(queue.record(fault(0x3000))).isTrue();
        assertThat(entryAt(0)).isEqualTo(fault(0x3000));
    }

    /**
     * Eight faulting threads against one driver thread that drains and acknowledges overflows. Every event is
     * either read back exactly once, intact and in its thread's order, or counted as lost.
     */
    @Test
    void concurrentProducersLoseNothingUncountedAndCorruptNothing() throws Exception {
        EventQueue q = new EventQueue(ram, gerror, Irq.NONE, 19);
        q.configure(new QueueBase(BASE, 4, false));
        q.setEnabled(true);
        RamRing driverView = new RamRing(ram, BASE, 4, 32);
        int threads = 8;
        int perThread = 2000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Random random = new Random(1000 + t);
            producers.add(new Thread(() -> {
                await(start);
                for (int s = 0; s < perThread; s++) {
                    q.record(fault(((long) id << 32) | (long) s << 12));
                    if (random.nextInt(8) == 0) {
                        Thread.yield();
                    }
                }
            }));
        }
        AtomicBoolean producing = new AtomicBoolean(true);
        List<Event> seen = new ArrayList<>();
        Thread driver = new Thread(() -> {
            int cons = 0;
            while (true) {
                boolean last = !producing.get();
                int prod = q.readProd();
                while (!driverView.isEmpty(prod, cons)) {
                    seen.add(EventRecord.decode(driverView.read(cons)));
                    cons = driverView.next(cons);
                }
                cons = (cons & ~OVF) | (prod & OVF);
                q.writeCons(cons);
                if (last) {
                    return;
                }
            }
        });
        producers.forEach(Thread::start);
        driver.start();
        start.countDown();
        for (Thread p : producers) {
            p.join(60_000);
            assertThat(p.isAlive()).as("producer finishes").isFalse();
        }
        producing.set(false);
        driver.join(60_000);
        assertThat(driver.isAlive()).as("the driver drains the queue").isFalse();

        Set<Long> unique = new HashSet<>();
        long[] lastSeq = new long[threads];
        Arrays.fill(lastSeq, -1);
        for (Event e : seen) {
            assertThat(e.type()).isEqualTo(EventType.F_TRANSLATION);
            assertThat(unique.add(e.inputAddr())).as("duplicate %x", e.inputAddr()).isTrue();
            int id = (int) (e.inputAddr() >>> 32);
            long seq = (e.inputAddr() & 0xffff_ffffL) >>> 12;
            assertThat(seq).as("thread %d order", id).isGreaterThan(lastSeq[id]);
            lastSeq[id] = seq;
        }
        assertThat(seen.size() + q.lostEvents()).isEqualTo((long) threads * perThread);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
