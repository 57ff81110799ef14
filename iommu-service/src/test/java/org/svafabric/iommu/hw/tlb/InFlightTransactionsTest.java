package org.svafabric.iommu.hw.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.fixture.SmmuFixture;

/** An invalidation returns only after the transactions in flight when it started have finished their access. */
class InFlightTransactionsTest {

    private static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.getState() != Thread.State.WAITING && t.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t.getName() + " never parked");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aTlbInvalidationWaitsForATransactionBetweenTranslationAndAccess() throws Exception {
        SmmuV3 smmu = new SmmuFixture().enable().smmu;
        long pass = smmu.inFlight().enter(); // a device translated and has not yet written
        AtomicBoolean invalidated = new AtomicBoolean();
        Thread tlbi = new Thread(() -> {
            smmu.invalidateTlb(TlbInvalidation.all(TlbInvalidation.Regime.NH));
            invalidated.set(true);
        });
        tlbi.start();
        awaitParked(tlbi);
        assertThat(invalidated).isFalse();
        smmu.inFlight().exit(pass); // the write reached memory
        tlbi.join(10_000);
        assertThat(tlbi.isAlive()).as("the TLBI completes once the transaction left").isFalse();
        assertThat(invalidated).isTrue();
    }

    @Test
    void configurationInvalidationsWaitToo() throws Exception {
        SmmuV3 smmu = new SmmuFixture().enable().smmu;
        long pass = smmu.inFlight().enter();
        AtomicBoolean done = new AtomicBoolean();
        Thread cfgi = new Thread(() -> {
            smmu.invalidateCd(1, -1);
            smmu.invalidateSte(1, 0);
            done.set(true);
        });
        cfgi.start();
        awaitParked(cfgi);
        assertThat(done).isFalse();
        smmu.inFlight().exit(pass);
        cfgi.join(10_000);
        assertThat(cfgi.isAlive()).as("the CFGIs complete once the transaction left").isFalse();
        assertThat(done).isTrue();
    }
}
