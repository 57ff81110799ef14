package org.svafabric.api.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PeerBootsTest {
    private final PeerBoots boots = new PeerBoots(BootId.DEVICE);
    private final List<PeerReboot> seen = new ArrayList<>();

    PeerBootsTest() {
        boots.addListener(r -> {
            synchronized (seen) {
                seen.add(r);
            }
        });
    }

    @Test
    void theFirstBootIdSeenIsNoReboot() {
        boots.observe(BootId.MM, "a");
        boots.observe(BootId.MM, "a");
        assertThat(seen).isEmpty();
        assertThat(boots.seen()).containsEntry(BootId.MM, "a");
    }

    @Test
    void aNewBootIdIsOneRebootWithBothIds() {
        boots.observe(BootId.MM, "a");
        boots.observe(BootId.MM, "b");
        boots.observe(BootId.MM, "b");
        assertThat(seen).containsExactly(new PeerReboot(BootId.MM, "a", "b"));
        assertThat(seen.get(0).describe()).isEqualTo("mm-service rebooted (boot a -> b)");
    }

    @Test
    void peersAreTrackedApartAndTheServiceItselfIsNoPeer() {
        boots.observe(BootId.MM, "a");
        boots.observe(BootId.IOMMU, "x");
        boots.observe(BootId.IOMMU, "y");
        boots.observe(BootId.DEVICE, "self-1");
        boots.observe(BootId.DEVICE, "self-2");
        boots.observe(BootId.MM, null);
        boots.observe(null, "z");
        assertThat(seen).extracting(PeerReboot::service).containsExactly(BootId.IOMMU);
    }

    @Test
    void aListenerThatFailsDoesNotKeepTheOthersFromTheReboot() {
        PeerBoots b = new PeerBoots(BootId.GATEWAY);
        List<String> told = new ArrayList<>();
        b.addListener(r -> {
            throw new IllegalStateException("broken");
        });
        b.addListener(r -> told.add(r.current()));
        b.observe(BootId.MM, "a");
        b.observe(BootId.MM, "b");
        assertThat(told).containsExactly("b");
    }

    @Test
    @Timeout(30)
    void manyThreadsSeeingTheSameNewIdMakeOneReboot() throws Exception {
        boots.observe(BootId.MM, "old");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 64; i++) {
            pool.submit(() -> {
                go.await();
                boots.observe(BootId.MM, "new");
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly(new PeerReboot(BootId.MM, "old", "new"));
    }

    @Test
    void aLateAnswerOfThePreviousLifeIsNoRebootBack() {
        boots.observe(BootId.IOMMU, "old");
        boots.observe(BootId.IOMMU, "new");
        boots.observe(BootId.IOMMU, "old"); // answered by the old context before it closed, read after the new one's
        assertThat(seen).containsExactly(new PeerReboot(BootId.IOMMU, "old", "new"));
        assertThat(boots.seen()).containsEntry(BootId.IOMMU, "new");
        boots.observe(BootId.IOMMU, "newer");
        assertThat(seen).hasSize(2).last().isEqualTo(new PeerReboot(BootId.IOMMU, "new", "newer"));
    }
}
