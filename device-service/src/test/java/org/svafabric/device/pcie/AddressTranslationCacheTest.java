package org.svafabric.device.pcie;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.wire.AtsCompletion;

class AddressTranslationCacheTest {
    /** What the ATC's tracepoints told: "lookup hits/misses", "invalidated dropped". */
    private final List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtcListener metrics = new AtcListener() {
        @Override
        public void lookedUp(int hits, int misses) {
            trace.add("lookup " + hits + "/" + misses);
        }

        @Override
        public void invalidated(int dropped) {
            trace.add("invalidated " + dropped);
        }
    };

    private static AtsCompletion rw(long va, long pa) {
        return AtsCompletion.granted(va, pa, 12, true, true, false, false);
    }

    private void fill(AddressTranslationCache atc, Integer pasid, AtsCompletion... c) {
        assertThat(atc.fill(atc.generation(), pasid, List.of(c))).isTrue();
    }

    private boolean hits(AddressTranslationCache atc, Integer pasid, long page) {
        try (AddressTranslationCache.Access a = atc.lookup(pasid, new long[] {page}, false, false)) {
            return a.hit();
        }
    }

    @Test
    void theLeastRecentlyUsedEntryIsEvicted() {
        AddressTranslationCache atc = new AddressTranslationCache(2, metrics);
        fill(atc, 1, rw(0x1000, 0xA000));
        fill(atc, 1, rw(0x2000, 0xB000));
        assertThat(hits(atc, 1, 0x1000)).isTrue();
        fill(atc, 1, rw(0x3000, 0xC000));
        assertThat(atc.peek(1, 0x2000)).isNull();
        assertThat(atc.peek(1, 0x1000).pa()).isEqualTo(0xA000);
        assertThat(atc.peek(1, 0x3000).pa()).isEqualTo(0xC000);
    }

    /**
     * A streaming engine over the ATC's LRU, the worst order: on reaching segment k the lookahead fills k+w before
     * the engine uses k. Returns the segments the engine found (partly) evicted.
     */
    private int segmentsEvictedBeforeUse(int capacity, int entriesPerSegment, int window, int segments) {
        AddressTranslationCache atc = new AddressTranslationCache(capacity, metrics);
        int evicted = 0;
        for (int k = 0; k < segments; k++) {
            for (int ahead = k == 0 ? 0 : k + window; ahead <= Math.min(k + window, segments - 1); ahead++) {
                AtsCompletion[] c = new AtsCompletion[entriesPerSegment];
                for (int p = 0; p < entriesPerSegment; p++) {
                    long va = ((long) ahead * entriesPerSegment + p) << 12;
                    c[p] = rw(va, 0x100_0000L + va);
                }
                fill(atc, 1, c);
            }
            long[] pages = new long[entriesPerSegment];
            for (int p = 0; p < entriesPerSegment; p++) {
                pages[p] = ((long) k * entriesPerSegment + p) << 12;
            }
            try (AddressTranslationCache.Access a = atc.lookup(1, pages, false, false)) {
                evicted += a.hit() ? 0 : 1;
            }
        }
        return evicted;
    }

    @Test
    void theStreamingLookaheadKeepsEverySegmentUntilItMovesAndOneMoreWouldNot() {
        // 512 entries, a memcpy segment of 2 x 64 pages: 4 segments fit, but the LRU keeps only 1 ahead.
        AddressTranslationCache atc = new AddressTranslationCache(512, metrics);
        int w = atc.streamingLookahead(128, 4);
        assertThat(w).isEqualTo(1);
        assertThat(segmentsEvictedBeforeUse(512, 128, w, 64)).isZero();
        assertThat(segmentsEvictedBeforeUse(512, 128, w + 1, 64)).isPositive();
        assertThat(segmentsEvictedBeforeUse(512, 128, 3, 64)).isPositive();
        // 7 segments: 3 ahead is safe, 4 is not.
        assertThat(new AddressTranslationCache(7 * 128, metrics).streamingLookahead(128, 8)).isEqualTo(3);
        assertThat(segmentsEvictedBeforeUse(7 * 128, 128, 3, 64)).isZero();
        assertThat(segmentsEvictedBeforeUse(7 * 128, 128, 4, 64)).isPositive();
        assertThat(new AddressTranslationCache(256, metrics).streamingLookahead(128, 4)).isZero();
        assertThat(new AddressTranslationCache(7 * 128, metrics).streamingLookahead(128, 2)).isEqualTo(2);
    }

    @Test
    void everyLookupAndEveryInvalidationIsTracedWithItsCounts() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x1000, 0xA000), rw(0x2000, 0xB000));
        try (AddressTranslationCache.Access a = atc.lookup(1, new long[] {0x1000, 0x2000, 0x3000}, false, false)) {
            assertThat(a.hit()).isFalse();
        }
        atc.invalidate(1, 0, 0, false);
        assertThat(trace).containsExactly("lookup 2/1", "invalidated 2");
    }

    @Test
    void entriesAreKeyedByPasid() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x1000, 0xA000));
        assertThat(hits(atc, 2, 0x1000)).isFalse();
        assertThat(hits(atc, null, 0x1000)).isFalse();
        assertThat(hits(atc, 1, 0x1000)).isTrue();
    }

    @Test
    void aReadOnlyTranslationMissesForAWrite() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, AtsCompletion.granted(0x1000, 0xA000, 12, true, false, false, false));
        try (AddressTranslationCache.Access a = atc.lookup(1, new long[] {0x1000}, true, false)) {
            assertThat(a.missing()).containsExactly(0x1000L);
        }
    }

    @Test
    void invalidationByPasidAndRangeDropsOnlyThosePages() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x1000, 0xA000), rw(0x2000, 0xB000), rw(0x3000, 0xC000));
        fill(atc, 2, rw(0x2000, 0xD000));
        assertThat(atc.invalidate(1, 0x2000, 0x1000, false)).isEqualTo(1);
        assertThat(atc.peek(1, 0x2000)).isNull();
        assertThat(atc.peek(1, 0x1000)).isNotNull();
        assertThat(atc.peek(1, 0x3000)).isNotNull();
        assertThat(atc.peek(2, 0x2000)).isNotNull();
    }

    @Test
    void anInvalidationWithoutPasidOrGlobalDropsEveryPasidsEntriesInTheRange() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x2000, 0xA000));
        fill(atc, 2, rw(0x2000, 0xB000));
        fill(atc, null, rw(0x2000, 0xC000));
        fill(atc, 3, rw(0x5000, 0xE000));
        assertThat(atc.invalidate(null, 0x2000, 0x1000, false)).isEqualTo(3);
        fill(atc, 1, rw(0x2000, 0xA000));
        fill(atc, 2, rw(0x2000, 0xB000));
        assertThat(atc.invalidate(1, 0x2000, 0x1000, true)).isEqualTo(2);
        assertThat(atc.peek(3, 0x5000)).isNotNull();
        assertThat(atc.invalidate(3, 0, 0, false)).isEqualTo(1);
        assertThat(atc.size()).isZero();
    }

    @Test
    void aCompletionRequestedBeforeAnInvalidationIsNotCached() {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        long seen = atc.generation();
        atc.invalidate(1, 0x1000, 0x1000, false);
        assertThat(atc.fill(seen, 1, List.of(rw(0x1000, 0xA000)))).isFalse();
        assertThat(atc.peek(1, 0x1000)).isNull();
    }

    @Test
    void anInvalidationCompletesOnlyAfterTheAccessUsingTheEntryFinished() throws Exception {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x1000, 0xA000));
        AddressTranslationCache.Access access = atc.lookup(1, new long[] {0x1000}, true, false);
        assertThat(access.hit()).isTrue();

        CompletableFuture<Integer> invalidation = CompletableFuture.supplyAsync(() -> atc.invalidate(1, 0x1000, 0x1000, false));
        // Bounded: with the invalidation broken this fails instead of spinning for ever.
        await("the invalidation waits for the access").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(atc::invalidationWaiting);
        // The entry is already gone (no new access can use it) but the request is not complete.
        assertThat(atc.peek(1, 0x1000)).isNull();
        assertThat(invalidation).isNotDone();

        access.close();
        assertThat(invalidation.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(atc.invalidationWaiting()).isFalse();
    }

    /**
     * The device learns of a RAM reboot from the answer to its own bus write, on the engine thread that holds the
     * access: the reset's invalidation must not wait for that access (it would wait for itself), but still waits for
     * another engine's, and the access closes as usual afterwards.
     */
    @Test
    @Timeout(30)
    void anInvalidationFromInsideTheThreadsOwnAccessWaitsOnlyForTheOthers() throws Exception {
        AddressTranslationCache atc = new AddressTranslationCache(8, metrics);
        fill(atc, 1, rw(0x1000, 0xA000), rw(0x2000, 0xB000));
        CountDownLatch otherHolds = new CountDownLatch(1);
        Thread otherEngine = new Thread(() -> {
            try (AddressTranslationCache.Access other = atc.lookup(1, new long[] {0x2000}, true, false)) {
                otherHolds.countDown();
                await("the reset waits for this access").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(1)).until(atc::invalidationWaiting);
            }
        });
        otherEngine.start();
        assertThat(otherHolds.await(10, TimeUnit.SECONDS)).isTrue();

        try (AddressTranslationCache.Access mine = atc.lookup(1, new long[] {0x1000}, true, false)) {
            assertThat(mine.hit()).isTrue();
            assertThat(atc.invalidate(null, 0, 0, true)).isEqualTo(2);
        }
        otherEngine.join(10_000);
        assertThat(otherEngine.isAlive()).isFalse();
        assertThat(hits(atc, 1, 0x1000)).as("emptied").isFalse();
        assertThat(atc.invalidationWaiting()).isFalse();
    }
}
