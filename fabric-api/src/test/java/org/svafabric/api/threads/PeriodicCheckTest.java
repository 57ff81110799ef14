package org.svafabric.api.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PeriodicCheckTest {

    /** Counts its rounds; the first one throws. */
    private static final class Counting extends PeriodicCheck {
        final AtomicInteger rounds = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        private final boolean wanted;

        Counting(Duration interval, boolean wanted) {
            super("periodic-test", interval);
            this.wanted = wanted;
        }

        @Override
        public void checkNow() {
            if (rounds.incrementAndGet() == 1) {
                throw new IllegalStateException("the first round fails");
            }
        }

        @Override
        protected boolean wanted() {
            return wanted;
        }

        @Override
        protected void failed(RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    @Test
    void roundsGoOnAfterOneThrowsAndEndAtStop() throws InterruptedException {
        Counting p = new Counting(Duration.ofMillis(20), true);
        p.start();
        p.start();
        assertThat(p.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> p.rounds.get() >= 3);
        assertThat(p.failures).hasValue(1);
        p.stop();
        assertThat(p.isRunning()).isFalse();
        int after = p.rounds.get();
        Thread.sleep(100);
        assertThat(p.rounds.get()).as("no round after stop").isLessThanOrEqualTo(after + 1);
    }

    @Test
    void aZeroIntervalOrAnUnwantedCheckNeverStarts() {
        Counting zero = new Counting(Duration.ZERO, true);
        zero.start();
        assertThat(zero.isRunning()).isFalse();
        Counting unwanted = new Counting(Duration.ofMillis(20), false);
        unwanted.start();
        assertThat(unwanted.isRunning()).isFalse();
    }
}
