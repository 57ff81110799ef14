package org.svafabric.api.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog against two peers on loopback whose health answers a boot id the test sets: a round observes
 * them, and a reboot of one makes it ask the other at once, on the same thread, before the observation that told
 * of the first returns (so the device that sees the new SMMU's probe already knows RAM rebooted behind it).
 */
class BootWatchdogTest {
    private final Peer mm = new Peer("m1");
    private final Peer iommu = new Peer("i1");
    private final PeerBoots boots = new PeerBoots(BootId.DEVICE);
    private final List<PeerReboot> told = new ArrayList<>();
    private final BootWatchdog watchdog;

    BootWatchdogTest() throws IOException {
        Map<String, String> peers = new LinkedHashMap<>();
        peers.put(BootId.MM, mm.url());
        peers.put(BootId.IOMMU, iommu.url());
        watchdog = new BootWatchdog(peers, boots, Duration.ZERO);
        boots.addListener(r -> {
            synchronized (told) {
                told.add(r);
            }
        });
        boots.addListener(watchdog::askTheOthers);
    }

    @AfterEach
    void stop() {
        mm.server.stop(0);
        iommu.server.stop(0);
    }

    @Test
    void aRoundObservesEveryPeerAndADownPeerIsNoReboot() {
        watchdog.checkNow();
        assertThat(boots.seen()).containsEntry(BootId.MM, "m1").containsEntry(BootId.IOMMU, "i1");
        mm.server.stop(0);
        watchdog.checkNow();
        assertThat(told).isEmpty();
    }

    @Test
    void theSmmusRebootTellsOfTheRamRebootBehindItBeforeItsCallIsHandled() {
        watchdog.checkNow();
        mm.boot = "m2";
        iommu.boot = "i2";
        // The new SMMU's first call: the RAM reboot is handled inside it, after the SMMU's own reset.
        boots.observe(BootId.IOMMU, "i2");
        assertThat(told).containsExactly(new PeerReboot(BootId.IOMMU, "i1", "i2"), new PeerReboot(BootId.MM, "m1", "m2"));
    }

    @Test
    void aRebootOfOnePeerAloneResetsNothingElse() {
        watchdog.checkNow();
        iommu.boot = "i2";
        boots.observe(BootId.IOMMU, "i2");
        assertThat(told).containsExactly(new PeerReboot(BootId.IOMMU, "i1", "i2"));
        assertThat(mm.asked).as("asked in the round, then at the SMMU's reboot").isEqualTo(2);
        assertThat(iommu.asked).as("the rebooted peer itself is not asked again").isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void twoRebootsSeenOnTwoThreadsAtOnceAreEachHandledOnce() throws Exception {
        watchdog.checkNow();
        for (int round = 0; round < 20; round++) {
            String m = "m-" + round;
            String i = "i-" + round;
            mm.boot = m;
            iommu.boot = i;
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> {
                await(go);
                boots.observe(BootId.IOMMU, i);
            });
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> {
                await(go);
                boots.observe(BootId.MM, m);
            });
            go.countDown();
            CompletableFuture.allOf(a, b).get(10, TimeUnit.SECONDS);
            assertThat(boots.seen()).containsEntry(BootId.MM, m).containsEntry(BootId.IOMMU, i);
        }
        assertThat(told).hasSize(40);
        assertThat(told).extracting(PeerReboot::current).doesNotHaveDuplicates();
    }

    private static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A peer's health on loopback: answers its current boot id and counts the questions. */
    private static final class Peer {
        final HttpServer server;
        volatile String boot;
        volatile int asked;

        Peer(String boot) throws IOException {
            this.boot = boot;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/actuator/health", ex -> {
                asked++;
                ex.getResponseHeaders().add(BootId.HEADER, this.boot);
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
    }
}
