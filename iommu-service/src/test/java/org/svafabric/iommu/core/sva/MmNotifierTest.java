package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.BondView;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.testing.FakeIommuDriver;
import org.svafabric.iommu.core.testing.SvaHarness;

/** The core's MMU notifier: invalidate_range and release (process exit), and how exit meets unbind. */
class MmNotifierTest {
    private final SvaHarness h = new SvaHarness();
    private final Device a = h.initPci("00:01.0", 8);
    private final Device b = h.initPci("00:02.0", 16);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void invalidateRangeReachesEveryDeviceBoundToTheMm() {
        h.process(1);
        h.process(2);
        int pasid = h.bind(a, 1);
        h.bind(b, 1);
        h.bind(a, 2);
        h.sva.notifier().invalidateRange(1, 0x10000, 0x12000, false);
        assertThat(h.driver.invalidations).containsExactly(new FakeIommuDriver.Invalidation(
                List.of("00:01.0", "00:02.0"), pasid, h.mm.asid(1), 0x10000, 0x12000, false));
    }

    @Test
    void invalidateRangePassesBtmAndIgnoresAnUnboundMm() {
        h.process(1);
        h.process(2);
        int pasid = h.bind(a, 1);
        h.sva.notifier().invalidateRange(2, 0, 0x1000, false);
        assertThat(h.driver.invalidations).isEmpty();
        h.sva.notifier().invalidateRange(1, 0, 0x1000, true);
        assertThat(h.driver.invalidations).containsExactly(
                new FakeIommuDriver.Invalidation(List.of("00:01.0"), pasid, h.mm.asid(1), 0, 0x1000, true));
        h.sva.unbind(a, pasid);
        h.sva.notifier().invalidateRange(1, 0, 0x1000, false);
        assertThat(h.driver.invalidations).hasSize(1);
    }

    @Test
    void exitCallsMmExitThenFlushesThenClearsTheCdForEachBond() {
        h.process(3);
        int pasid = h.bind(a, 3);
        h.bind(b, 3);
        h.sva.registerMmExitHandler(a);
        h.sva.registerMmExitHandler(b);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        h.deviceDrivers.during = () -> order.add("mm_exit");
        h.driver.calls.clear();
        h.mm.exit(3);

        assertThat(h.deviceDrivers.calls).containsExactlyInAnyOrder(
                "mm_exit 00:01.0:" + pasid + " drv-00:01.0", "mm_exit 00:02.0:" + pasid + " drv-00:02.0");
        for (String dev : List.of("00:01.0", "00:02.0")) {
            List<String> calls = h.driver.calls;
            assertThat(calls.indexOf("drain " + dev)).isLessThan(calls.indexOf("detach " + dev + ":" + pasid));
        }
        assertThat(h.driver.cds).isEmpty();
        assertThat(h.events.ofType(CoreEvent.Type.MM_EXIT)).hasSize(2).allMatch(e -> e.detail() == null);
        assertThat(h.counter("sva.mm_exit")).isEqualTo(2);
    }

    /** v1 lifetime (sva-v1-semantics §1.9 release step 3, §4.2): the exit frees every bond and the PASID. */
    @Test
    void exitFreesEveryBondAndThePasidAtOnce() {
        h.process(1);
        h.process(2);
        int pasid = h.bind(a, 1);
        h.bind(b, 1);
        h.mm.exit(1);

        assertThat(h.sva.find(pasid)).isEmpty();
        assertThat(h.sva.pasid(pasid)).as("the PASID is back in the allocator").isEmpty();
        assertThat(h.sva.device(a.id()).orElseThrow().bonds()).isEmpty();
        assertThat(h.sva.device(b.id()).orElseThrow().bonds()).isEmpty();
        assertThat(h.gauge("sva.pasids")).isZero();
        // The exited mm's ASID pin is dropped; its notifier went with the exit and is not unregistered again.
        assertThat(h.mm.pinCount(1)).isZero();
        assertThat(h.bind(a, 2)).as("the freed PASID is the lowest free one again").isEqualTo(pasid);
    }

    @Test
    void unbindAfterExitIsEsrchWhateverTheBindCountAndLeavesTheNextHolderAlone() {
        h.process(1);
        h.process(2);
        int pasid = h.bind(a, 1);
        h.bind(a, 1);
        h.mm.exit(1);
        assertThatThrownBy(() -> h.sva.unbind(a, pasid)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
        // Exit cleared the CD once; the refused unbind cleared nothing.
        assertThat(h.driver.callsFor("detach")).containsExactly("detach 00:01.0:" + pasid);

        // The PASID now names process 2 on b; a stale unbind of it on a (never bound to 2) must not touch it.
        assertThat(h.bind(b, 2)).isEqualTo(pasid);
        assertThatThrownBy(() -> h.sva.unbind(a, pasid)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
        assertThat(h.sva.find(pasid)).hasValue(2);
    }

    @Test
    void aNonZeroMmExitIsLoggedAsALeakAndTeardownGoesOn() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.sva.registerMmExitHandler(a);
        h.deviceDrivers.ret = -16;
        h.mm.exit(1);
        assertThat(h.driver.cds).isEmpty();
        assertThat(h.counter("sva.mm_exit.leaks")).isEqualTo(1);
        assertThat(h.events.ofType(CoreEvent.Type.MM_EXIT)).singleElement().extracting(CoreEvent::detail)
                .isEqualTo("mm_exit returned -16: possible leak of PASID " + pasid);
    }

    @Test
    void theTracepointsFollowBindThenExitThenTeardown() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.bind(a, 1);
        h.sva.registerMmExitHandler(a);
        h.sva.notifier().invalidateRange(1, 0, 0x1000, false);
        h.deviceDrivers.ret = -16;
        h.mm.exit(1);
        assertThat(h.trace.lines()).containsExactly("bound 00:01.0 pasid " + pasid, "bound 00:01.0 pasid " + pasid + " again",
                "invalidated pid 1", "mm_exit 00:01.0 pasid " + pasid + " ret -16", "torn down 00:01.0 pasid " + pasid);
        assertThat(h.meters.get("sva.invalidate_range").timer().count()).isEqualTo(1);
    }

    @Test
    void aPasidStoppedByMmExitIsHandedBackToTheDeviceDriverAtItsNextBindBeforeTheCdGoesLive() {
        Device c = SvaHarness.pci("00:03.0", 24);
        h.sva.deviceInit(c, SvaHarness.SVA, 1);
        h.sva.registerMmExitHandler(c);
        h.process(1);
        h.process(2);
        int pasid = h.bind(c, 1);
        assertThat(h.deviceDrivers.calls).as("a first bind owes the driver nothing").isEmpty();
        h.mm.exit(1);
        h.driver.calls.clear();
        h.deviceDrivers.calls.clear();
        h.deviceDrivers.during = () -> { };
        assertThat(h.bind(c, 2)).as("the only PASID the device can use").isEqualTo(pasid);
        assertThat(h.deviceDrivers.calls).containsExactly("rebound 00:03.0:" + pasid);
        assertThat(h.driver.calls).contains("attach 00:03.0:" + pasid);

        h.sva.unbind(c, pasid);
        h.process(3);
        h.deviceDrivers.calls.clear();
        h.bind(c, 3);
        assertThat(h.deviceDrivers.calls).as("told once: the PASID did not go through mm_exit again").isEmpty();
    }

    @Test
    void withoutARegisteredHandlerNoDriverIsCalled() {
        h.process(1);
        h.bind(a, 1);
        h.sva.registerMmExitHandler(a);
        h.sva.unregisterMmExitHandler(a);
        h.mm.exit(1);
        assertThat(h.deviceDrivers.calls).isEmpty();
        assertThat(h.driver.cds).isEmpty();
    }

    @Test
    void releaseOfAProcessWithoutIoMmDoesNothing() {
        h.sva.notifier().release(77);
        assertThat(h.driver.calls).noneMatch(c -> c.startsWith("detach"));
    }

    @Test
    void unbindWaitsForAnMmExitInProgress() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.sva.registerMmExitHandler(a);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        h.deviceDrivers.during = () -> {
            inHandler.countDown();
            awaitLatch(letGo);
        };
        CompletableFuture<Void> exit = SvaHarness.inThread("exit", () -> h.mm.exit(1));
        awaitLatch(inHandler);
        CompletableFuture<Void> unbind = SvaHarness.inThread("unbinder", () -> h.sva.unbind(a, pasid));
        SvaHarness.awaitParked("unbinder");
        // The unbinder waits: the CD is still there and the PASID still allocated.
        assertThat(unbind).isNotDone();
        assertThat(h.driver.cds).containsKey("00:01.0:" + pasid);

        letGo.countDown();
        SvaHarness.await(exit);
        SvaHarness.await(unbind);
        assertThat(h.driver.callsFor("detach")).containsExactly("detach 00:01.0:" + pasid);
        assertThat(h.sva.pasid(pasid)).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
    }

    @Test
    void aBindThatLosesToExitFailsAndLeavesNoCd() {
        h.process(1);
        int pasid = h.bind(a, 1);
        CompletableFuture<?>[] exit = new CompletableFuture<?>[1];
        // While b's CD is being written, the process exits: release must wait for the write to settle.
        h.driver.afterAttach = key -> {
            if (key.startsWith("00:02.0")) {
                exit[0] = SvaHarness.inThread("exiter", () -> h.mm.exit(1));
                SvaHarness.awaitParked("exiter");
            }
        };
        assertThatThrownBy(() -> h.bind(b, 1)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
        SvaHarness.await(exit[0]);
        assertThat(h.driver.cds).isEmpty();
        assertThat(h.sva.pasid(pasid)).as("the exit freed a's bond and the PASID").isEmpty();
        assertThat(h.sva.device(b.id()).orElseThrow().bonds()).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
    }

    private static void awaitLatch(CountDownLatch l) {
        try {
            if (!l.await(SvaHarness.WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
