package org.svafabric.api.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PeriodicTest {

    @Test
    void roundsGoOnAfterOneThrowsAndEndAtStop() throws InterruptedException {
        AtomicInteger rounds = new AtomicInteger();
        Periodic p = new Periodic("periodic-test", Duration.ofMillis(20), () -> {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("the first round fails");
            }
        });
        p.start();
        p.start();
        assertThat(p.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> rounds.get() >= 3);
        p.stop();
        assertThat(p.isRunning()).isFalse();
        int after = rounds.get();
        Thread.sleep(100);
        assertThat(rounds.get()).as("no round after stop").isLessThanOrEqualTo(after + 1);
    }

    @Test
    void aZeroIntervalNeverStarts() {
        Periodic p = new Periodic("periodic-test", Duration.ZERO, () -> { });
        p.start();
        assertThat(p.isRunning()).isFalse();
    }
}
