package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.threads.DaemonPool;

/**
 * The engine translating ahead of its data ({@link Lookahead}), on a path that records what it is asked: every
 * segment is translated by one side only, a failure ahead ends the job where the access would have, and the job
 * ends only after the lookahead holds nothing.
 */
class LookaheadTest {
    private static final int SEG = 4096;
    private static final long SRC = 0x10_0000L;
    private static final long DST = 0x20_0000L;

    private final ExecutorService threads = DaemonPool.cached("test-lookahead");

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A translating path: prefetch and accesses are recorded by address; an access of an untranslated range translates it itself. */
    static class RecordingPath implements DmaPath {
        final Set<Long> translated = ConcurrentHashMap.newKeySet();
        final List<Long> translatedTwice = new CopyOnWriteArrayList<>();
        final List<Long> prefetched = new CopyOnWriteArrayList<>();
        final List<Long> accessed = new CopyOnWriteArrayList<>();

        void translate(long addr) {
            if (!translated.add(addr)) {
                translatedTwice.add(addr);
            }
        }

        @Override
        public void prefetch(Job job, long addr, int length, boolean write) {
            prefetched.add(addr);
            translate(addr);
        }

        @Override
        public boolean translatesAhead() {
            return true;
        }

        @Override
        public byte[] read(Job job, long addr, int length) {
            access(addr);
            return new byte[length];
        }

        @Override
        public void write(Job job, long addr, byte[] data) {
            access(addr);
        }

        void access(long addr) {
            accessed.add(addr);
            if (!translated.contains(addr)) {
                translate(addr);
            }
        }
    }

    private static Job memcpy(int segments) {
        return new Job("j-1", "dev", JobSpec.of("memcpy", 5, SRC, DST, (long) segments * SEG, null, null, 1 << 24), 0);
    }

    @Test
    void everySegmentIsTranslatedOnceAndTheWindowAheadOfTheEngine() {
        // The engine's first access waits until the lookahead filled its window (segments 1..4, two ranges each).
        CountDownLatch windowFilled = new CountDownLatch(8);
        RecordingPath path = new RecordingPath() {
            @Override
            public void prefetch(Job job, long addr, int length, boolean write) {
                super.prefetch(job, addr, length, write);
                windowFilled.countDown();
            }

            @Override
            void access(long addr) {
                if (addr == SRC) {
                    await(windowFilled);
                }
                super.access(addr);
            }
        };
        Job job = memcpy(32);
        new DmaEngine(SEG, System::nanoTime, pasid -> true, 4, threads).run(job, path);
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(path.translatedTwice).as("no range asked for twice").isEmpty();
        assertThat(path.accessed).hasSize(64);
        assertThat(path.prefetched).as("segment 0 is the engine's").doesNotContain(SRC, DST)
                .startsWith(SRC + SEG, DST + SEG, SRC + 2 * SEG, DST + 2 * SEG);
        assertThat(path.prefetched.subList(0, 8)).as("never more than the window ahead while the engine is on segment 0")
                .allMatch(a -> a < SRC + 5L * SEG || (a >= DST && a < DST + 5L * SEG));
    }

    static void await(CountDownLatch l) {
        try {
            assertThat(l.await(10, TimeUnit.SECONDS)).as("the lookahead got there").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void noLookaheadWithoutATranslationCache() {
        RecordingPath path = new RecordingPath() {
            @Override
            public boolean translatesAhead() {
                return false;
            }
        };
        Job job = memcpy(8);
        new DmaEngine(SEG, System::nanoTime, pasid -> true, 4, threads).run(job, path);
        assertThat(path.prefetched).isEmpty();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void aFaultMetAheadEndsTheJobAtItsOwnSegment() {
        long bad = DST + 5L * SEG;
        AtomicBoolean engineTouchedBad = new AtomicBoolean();
        CountDownLatch failedAhead = new CountDownLatch(1);
        RecordingPath path = new RecordingPath() {
            @Override
            public void prefetch(Job job, long addr, int length, boolean write) {
                if (addr == bad) {
                    failedAhead.countDown();
                    throw DmaFault.invalidResponse(addr, "PRG Response Invalid Request");
                }
                super.prefetch(job, addr, length, write);
            }

            @Override
            void access(long addr) {
                if (addr == SRC) {
                    await(failedAhead);
                }
                if (addr == bad) {
                    engineTouchedBad.set(true);
                    throw DmaFault.invalidResponse(addr, "PRG Response Invalid Request");
                }
                super.access(addr);
            }
        };
        Job job = memcpy(16);
        new DmaEngine(SEG, System::nanoTime, pasid -> true, 8, threads).run(job, path);
        assertThat(job.status()).isEqualTo(JobStatus.FAULTED);
        assertThat(job.bytes()).as("segments 0..4 moved, as without the lookahead").isEqualTo(5L * SEG);
        assertThat(job.faultAddr()).isEqualTo(bad);
        assertThat(engineTouchedBad).as("the fault came from the lookahead, at the engine's segment 5").isFalse();
        assertThat(path.accessed).as("nothing of segment 5 or after was moved").allMatch(a -> a < SRC + 5L * SEG || (a >= DST && a < bad));
        assertThat(path.prefetched).as("the lookahead stopped at its failure").allMatch(a -> a <= bad);
    }

    @Test
    void theJobEndsOnlyAfterTheLookaheadHoldsNothing() throws Exception {
        CountDownLatch inPrefetch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean prefetchReturned = new AtomicBoolean();
        RecordingPath path = new RecordingPath() {
            @Override
            public void prefetch(Job job, long addr, int length, boolean write) {
                inPrefetch.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                prefetchReturned.set(true);
            }

            @Override
            void access(long addr) {
                if (addr == SRC) {
                    LookaheadTest.await(inPrefetch);
                }
                super.access(addr);
            }
        };
        Job job = memcpy(4);
        RecordingPath slowEngine = path;
        Thread engine = new Thread(() -> new DmaEngine(SEG, System::nanoTime, pasid -> true, 2, threads).run(job, slowEngine));
        engine.start();
        assertThat(inPrefetch.await(5, TimeUnit.SECONDS)).isTrue();
        job.requestAbort("mm_exit");
        engine.join(300);
        assertThat(engine.isAlive()).as("the engine waits for the page request the lookahead has outstanding").isTrue();
        release.countDown();
        engine.join(5000);
        assertThat(engine.isAlive()).isFalse();
        assertThat(prefetchReturned).isTrue();
        assertThat(job.status()).isIn(JobStatus.ABORTED, JobStatus.COMPLETED);
    }
}
