package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class JobNumbersTest {
    /** A store that hands out 0, 1, 2, ... and counts the asks, as the database does across boots. */
    private final AtomicLong blocks = new AtomicLong();
    private final JobNumbers.BlockStore store = blocks::getAndIncrement;

    @Test
    void theFirstBootNumbersFromOneAndAskedTheStoreOnce() {
        JobNumbers n = JobNumbers.blocks(store, 1000);
        assertThat(n.next()).isEqualTo(1);
        assertThat(n.next()).isEqualTo(2);
        assertThat(blocks.get()).isEqualTo(1);
    }

    @Test
    void aNewBootNeverRepeatsANumberOfAnEarlierOne() {
        JobNumbers before = JobNumbers.blocks(store, 1000);
        before.next();
        before.next();
        JobNumbers after = JobNumbers.blocks(store, 1000); // the restart: the store remembers, the JVM does not
        assertThat(after.next()).isEqualTo(1001);
        assertThat(after.firstOfThisBoot()).isEqualTo(1001);
        assertThat(before.firstOfThisBoot()).isEqualTo(1);
    }

    @Test
    void anIdOfAnEarlierBootIsSaidToBeOne() {
        JobNumbers.blocks(store, 1000).next();
        JobTable table = new JobTable(10, "j-", JobNumbers.blocks(store, 1000));
        assertThatThrownBy(() -> table.get("j-1"))
                .hasMessageContaining("no job j-1: it was submitted before device-service restarted");
        assertThatThrownBy(() -> table.get("j-5000")).hasMessage("no job j-5000");
    }

    @Test
    void aUsedUpBlockIsFollowedByTheNextAndTheStoreIsAskedOncePerBlock() {
        JobNumbers n = JobNumbers.blocks(store, 3);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            got.add(n.next());
        }
        assertThat(got).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(blocks.get()).isEqualTo(3);
    }

    @Test
    void numbersTakenOnManyThreadsAtOnceAreUnique() throws Exception {
        JobNumbers n = JobNumbers.blocks(store, 10);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        assertThat(seen.add(n.next())).isTrue();
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(4000);
        assertThat(blocks.get()).isEqualTo(400);
    }

    @Test
    void inMemoryNumbersCountFromOne() {
        JobNumbers n = JobNumbers.inMemory();
        assertThat(List.of(n.next(), n.next())).containsExactly(1L, 2L);
    }
}
