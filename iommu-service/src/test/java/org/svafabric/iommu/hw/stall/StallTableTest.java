package org.svafabric.iommu.hw.stall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.queue.EventQueue;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.testing.ManualScheduler;

/** Stalled transactions: IHI 0070 §3.12.2 and CMD_RESUME / CMD_STALL_TERM (§4.7). */
class StallTableTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(30);

    private final List<Event> recorded = Collections.synchronizedList(new ArrayList<>());
    private final ManualScheduler scheduler = new ManualScheduler();
    private CompletableFuture<Void> writable = new CompletableFuture<>();
    private boolean accept = true;

    private StallTable table(int stallMax) {
        return new StallTable(e -> accept && recorded.add(e), () -> writable, scheduler, WATCHDOG, stallMax);
    }

    private static Event fault(int sid, long addr) {
        return Event.fault(EventType.F_TRANSLATION, sid, true, 3, addr, false, false, false, Event.CLASS_IN);
    }

    private int lastStag() {
        return recorded.get(recorded.size() - 1).stag();
    }

    @Test
    void aHeldTransactionIsRecordedWithStallAndStagAndWaits() {
        StallTable t = table(16);
        CompletableFuture<Boolean> f = t.hold(fault(7, 0x1000)).toCompletableFuture();
        Event e = recorded.get(0);
        assertThat(e.stall()).isTrue();
        assertThat(e).isEqualTo(fault(7, 0x1000).stalled(e.stag()));
        assertThat(f).isNotDone();
        assertThat(t.isHeld(7, e.stag())).isTrue();
    }

    @Test
    void retryCompletesWithTrueAndBothTerminationsWithFalse() {
        StallTable t = table(16);
        CompletableFuture<Boolean> retried = t.hold(fault(7, 0x1000)).toCompletableFuture();
        assertThat(t.resume(7, lastStag(), ResumeAction.RETRY)).isTrue();
        CompletableFuture<Boolean> aborted = t.hold(fault(7, 0x2000)).toCompletableFuture();
        t.resume(7, lastStag(), ResumeAction.ABORT);
        CompletableFuture<Boolean> terminated = t.hold(fault(7, 0x3000)).toCompletableFuture();
        t.resume(7, lastStag(), ResumeAction.TERMINATE);
        assertThat(retried).isCompletedWithValue(true);
        assertThat(aborted).isCompletedWithValue(false);
        assertThat(terminated).isCompletedWithValue(false);
        assertThat(t.heldCount()).isZero();
        assertThat(scheduler.pending()).as("watchdogs cancelled").isZero();
    }

    @Test
    void aResumeNamingNoHeldTransactionHasNoEffect() {
        StallTable t = table(16);
        CompletableFuture<Boolean> f = t.hold(fault(7, 0x1000)).toCompletableFuture();
        int stag = lastStag();
        assertThat(t.resume(7, (stag + 1) & 0xffff, ResumeAction.ABORT)).isFalse();
        assertThat(t.resume(8, stag, ResumeAction.ABORT)).as("STAG of another stream").isFalse();
        assertThat(f).isNotDone();
        assertThat(t.ignoredResumes()).isEqualTo(2);
        t.resume(7, stag, ResumeAction.RETRY);
        assertThat(t.resume(7, stag, ResumeAction.ABORT)).as("already resumed").isFalse();
        assertThat(f).isCompletedWithValue(true);
        assertThat(t.ignoredResumes()).isEqualTo(3);
    }

    @Test
    void stagsAreUniqueAmongTheHeldTransactionsOfAStream() {
        StallTable t = table(4096);
        for (int i = 0; i < 4096; i++) {
            t.hold(fault(7, 0x1000L * i));
        }
        Set<Integer> stags = new HashSet<>();
        recorded.forEach(e -> stags.add(e.stag()));
        assertThat(stags).hasSize(4096);
    }

    @Test
    void theWatchdogAbortsAStallNobodyResumedAndCountsIt() {
        StallTable t = table(16);
        CompletableFuture<Boolean> f = t.hold(fault(7, 0x1000)).toCompletableFuture();
        int stag = lastStag();
        scheduler.advance(WATCHDOG.minusSeconds(1));
        assertThat(f).isNotDone();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(f).isCompletedWithValue(false);
        assertThat(t.watchdogAborts()).isEqualTo(1);
        assertThat(t.resume(7, stag, ResumeAction.RETRY)).as("too late").isFalse();
    }

    @Test
    void aStallWhoseRecordCannotBeWrittenIsRetriedWhenTheQueueIsNextWritable() {
        StallTable t = table(16);
        accept = false;
        CompletableFuture<Boolean> f = t.hold(fault(7, 0x1000)).toCompletableFuture();
        assertThat(t.heldCount()).as("no STAG software could name").isZero();
        assertThat(f).isNotDone();
        writable.complete(null);
        assertThat(f).isCompletedWithValue(true);
    }

    @Test
    void withTheRealEventQueueAFullQueueDelaysTheStallUntilSoftwareFreesAnEntry() {
        GlobalErrors gerror = new GlobalErrors(Irq.NONE);
        EventQueue events = new EventQueue(new LocalMemoryBus(), gerror, Irq.NONE, 19);
        events.configure(new QueueBase(0x40_0000, 0, false));
        events.setEnabled(true);
        events.record(fault(1, 0)); // the one entry is taken
        StallTable t = new StallTable(events, events, scheduler, WATCHDOG, 16);
        CompletableFuture<Boolean> f = t.hold(fault(7, 0x1000)).toCompletableFuture();
        assertThat(f).isNotDone();
        assertThat(events.lostEvents()).as("a stall record is never counted as lost").isZero();
        events.writeCons(0b1);
        assertThat(f).isCompletedWithValue(true);
    }

    @Test
    void beyondStallMaxAFaultWaitsForASlotAndIsThenRetried() {
        StallTable t = table(2);
        t.hold(fault(7, 0x1000));
        int first = lastStag();
        t.hold(fault(7, 0x2000));
        CompletableFuture<Boolean> third = t.hold(fault(7, 0x3000)).toCompletableFuture();
        assertThat(recorded).hasSize(2);
        assertThat(third).isNotDone();
        t.resume(7, first, ResumeAction.ABORT);
        assertThat(third).isCompletedWithValue(true);
    }

    @Test
    void stallTermTerminatesEveryStallOfOneStreamOnly() {
        StallTable t = table(16);
        CompletableFuture<Boolean> a = t.hold(fault(7, 0x1000)).toCompletableFuture();
        CompletableFuture<Boolean> b = t.hold(fault(7, 0x2000)).toCompletableFuture();
        CompletableFuture<Boolean> other = t.hold(fault(8, 0x1000)).toCompletableFuture();
        assertThat(t.terminateStream(7)).isEqualTo(2);
        assertThat(a).isCompletedWithValue(false);
        assertThat(b).isCompletedWithValue(false);
        assertThat(other).isNotDone();
        assertThat(t.terminateAll()).isEqualTo(1);
        assertThat(other).isCompletedWithValue(false);
    }

    /**
     * CMD_RESUME races the watchdog for the same transactions (seeded orders, real threads): every
     * transaction ends exactly once, by whichever came first, and no slot or STAG leaks.
     */
    @Test
    void resumeRacingTheWatchdogEndsEachTransactionExactlyOnce() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            recorded.clear();
            ManualScheduler clock = new ManualScheduler();
            int n = 200;
            StallTable t = new StallTable(e -> recorded.add(e), () -> writable, clock, WATCHDOG, n);
            List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                outcomes.add(t.hold(fault(7, 0x1000L * i)).toCompletableFuture());
            }
            List<Integer> stags = new ArrayList<>();
            recorded.forEach(e -> stags.add(e.stag()));
            Collections.shuffle(stags, new Random(seed));
            AtomicInteger resumed = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread driver = new Thread(() -> {
                awaitQuietly(go);
                for (int stag : stags) {
                    if (t.resume(7, stag, ResumeAction.RETRY)) {
                        resumed.incrementAndGet();
                    }
                }
            });
            Thread watchdog = new Thread(() -> {
                awaitQuietly(go);
                clock.advance(WATCHDOG);
            });
            driver.start();
            watchdog.start();
            go.countDown();
            driver.join(30_000);
            watchdog.join(30_000);
            assertThat(driver.isAlive() || watchdog.isAlive()).as("driver and watchdog finish").isFalse();

            assertThat(outcomes).allMatch(CompletableFuture::isDone);
            long retried = outcomes.stream().filter(f -> f.join()).count();
            assertThat(retried).isEqualTo(resumed.get());
            assertThat(resumed.get() + t.watchdogAborts()).as("seed %d", seed).isEqualTo(n);
            assertThat(t.ignoredResumes()).isEqualTo(n - resumed.get());
            assertThat(t.heldCount()).isZero();
            recorded.clear();
            for (int i = 0; i < n; i++) {
                assertThat(t.hold(fault(9, i)).toCompletableFuture()).as("slot %d free again", i).isNotDone();
            }
            assertThat(recorded).hasSize(n);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
