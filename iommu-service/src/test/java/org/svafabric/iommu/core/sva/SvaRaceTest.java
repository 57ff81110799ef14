package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.BondView;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.testing.FakeIommuDriver;
import org.svafabric.iommu.core.testing.SvaHarness;

/**
 * Bind, unbind, exit and faults racing. Each case runs many times; each run's seed fixes the shape of the
 * run (how many groups, which processes, in which order) and where the threads are perturbed, so a failing
 * seed names a reproducible scenario even though the scheduler interleaves freely. Every wait is bounded,
 * so a deadlock fails the run instead of hanging.
 */
class SvaRaceTest {

    static List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= 40; s++) {
            out.add(s * 0x9E3779B97F4A7C15L);
        }
        return out;
    }

    /** A perturbation source per thread: yields a seeded number of times. */
    private static final class Jitter {
        private final ThreadLocal<Random> random;

        Jitter(long seed) {
            AtomicInteger n = new AtomicInteger();
            random = ThreadLocal.withInitial(() -> new Random(seed + n.incrementAndGet()));
        }

        void perturb() {
            int yields = random.get().nextInt(4);
            for (int i = 0; i < yields; i++) {
                Thread.yield();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void unbindWhilePageRequestsOfThatPasidAreQueued(long seed) {
        Random rnd = new Random(seed);
        try (SvaHarness h = new SvaHarness(1 + rnd.nextInt(3), 512)) {
            Jitter jitter = new Jitter(seed);
            Device a = h.initPci("00:01.0", 8);
            Device b = h.initPci("00:02.0", 16);
            h.process(1);
            int pasid = h.bind(a, 1);
            // b keeps the io_mm alive, so iommu_sva_find still answers after a's unbind: only the flush
            // keeps a's faults from being serviced late.
            h.bind(b, 1);
            AtomicBoolean unbound = new AtomicBoolean();
            AtomicBoolean servicedLate = new AtomicBoolean();
            h.mm.onFault = pid -> {
                jitter.perturb();
                if (unbound.get()) {
                    servicedLate.set(true);
                }
            };
            int groups = 10 + rnd.nextInt(30);
            for (int g = 0; g < groups; g++) {
                int pages = 1 + rnd.nextInt(3);
                for (int p = 0; p < pages; p++) {
                    h.queue.report(IopfFault.pageRequest(a, pasid, g, p == pages - 1, true, rnd.nextBoolean(), false, false,
                            0x10000 + 0x1000L * rnd.nextInt(16)));
                }
            }
            h.sva.unbind(a, pasid);
            unbound.set(true);

            List<FakeIommuDriver.PageResponse> responses = new ArrayList<>(h.driver.responses);
            assertThat(responses).hasSize(groups);
            assertThat(responses).extracting(FakeIommuDriver.PageResponse::prgIndex).doesNotHaveDuplicates();
            assertThat(responses).allMatch(r -> r.code() == PrgResponseCode.SUCCESS);
            h.queue.flushDevice(a);
            assertThat(servicedLate).isFalse();
            assertThat(h.driver.responses).hasSize(groups);
            int lastResponse = h.driver.calls.lastIndexOf(h.driver.callsFor("response").get(groups - 1));
            assertThat(lastResponse).isLessThan(h.driver.calls.indexOf("detach 00:01.0:" + pasid));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void exitWhileAFaultGroupIsBeingHandled(long seed) {
        Random rnd = new Random(seed);
        try (SvaHarness h = new SvaHarness(1 + rnd.nextInt(3), 64)) {
            Jitter jitter = new Jitter(seed);
            Device a = h.initPci("00:01.0", 8);
            h.process(1);
            int pasid = h.bind(a, 1);
            h.sva.registerMmExitHandler(a);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            h.mm.onFault = pid -> {
                if (first.getAndSet(false)) {
                    entered.countDown();
                    await(letGo);
                }
                jitter.perturb();
            };
            int groups = 1 + rnd.nextInt(4);
            for (int g = 0; g < groups; g++) {
                h.queue.report(IopfFault.pageRequest(a, pasid, g, true, true, false, false, false, 0x10000 + 0x1000L * g));
            }
            await(entered);
            CompletableFuture<Void> exit = SvaHarness.inThread("exit-" + seed, () -> h.mm.exit(1));
            SvaHarness.awaitParked("exit-" + seed);
            // The exit is held by the group in service: its CD is still installed.
            assertThat(h.driver.cds).containsKey("00:01.0:" + pasid);
            letGo.countDown();
            SvaHarness.await(exit);

            List<String> calls = new ArrayList<>(h.driver.calls);
            int detach = calls.indexOf("detach 00:01.0:" + pasid);
            assertThat(detach).isPositive();
            assertThat(h.driver.responses).hasSize(groups);
            assertThat(h.driver.responses).extracting(FakeIommuDriver.PageResponse::prgIndex).doesNotHaveDuplicates();
            for (String c : calls) {
                if (c.startsWith("response")) {
                    assertThat(calls.indexOf(c)).isLessThan(detach);
                }
            }
            assertThat(h.deviceDrivers.calls).containsExactly("mm_exit 00:01.0:" + pasid + " drv-00:01.0");
            assertThat(h.sva.find(pasid)).isEmpty();
            assertThat(h.sva.pasid(pasid)).as("v1: the exit freed the PASID").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void thirtyTwoProcessesExitWhileAnotherThreadUnbindsThem(long seed) throws Exception {
        Random rnd = new Random(seed);
        try (SvaHarness h = new SvaHarness()) {
            Jitter jitter = new Jitter(seed);
            Device a = h.initPci("00:01.0", 8);
            Device b = h.initPci("00:02.0", 16);
            h.sva.registerMmExitHandler(a);
            List<Long> pids = new ArrayList<>();
            List<Device> devices = List.of(a, b);
            List<int[]> unbinds = new ArrayList<>();
            Map<Long, Integer> pasidOf = new HashMap<>();
            for (long pid = 1; pid <= 32; pid++) {
                h.process(pid);
                pids.add(pid);
                for (int d = 0; d < 2; d++) {
                    int times = d == 0 ? 1 + rnd.nextInt(2) : rnd.nextInt(2);
                    for (int t = 0; t < times; t++) {
                        int pasid = h.bind(devices.get(d), pid);
                        pasidOf.put(pid, pasid);
                        unbinds.add(new int[] {d, pasid});
                    }
                }
            }
            Collections.shuffle(pids, rnd);
            Collections.shuffle(unbinds, rnd);
            h.driver.beforeDetach = key -> jitter.perturb();
            h.deviceDrivers.during = jitter::perturb;
            h.mm.onFault = pid -> jitter.perturb();
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Void> exits = SvaHarness.inThread("exits-" + seed, () -> {
                awaitBarrier(start);
                for (long pid : pids) {
                    h.mm.exit(pid);
                }
            });
            CompletableFuture<Void> unbinder = SvaHarness.inThread("unbinds-" + seed, () -> {
                awaitBarrier(start);
                for (int[] u : unbinds) {
                    try {
                        h.sva.unbind(devices.get(u[0]), u[1]);
                    } catch (ErrnoException e) {
                        // v1: the process's exit came first and released the bond (no PASID is reused here).
                        assertThat(e.errno()).isEqualTo(Errno.ESRCH);
                    }
                }
            });
            SvaHarness.await(exits);
            SvaHarness.await(unbinder);

            assertThat(h.cdsAfterRelease).isEmpty();
            assertThat(h.gauge("sva.pasids")).isZero();
            assertThat(h.gauge("sva.bonds")).isZero();
            assertThat(h.driver.cds).isEmpty();
            for (long pid = 1; pid <= 32; pid++) {
                assertThat(h.mm.pinCount(pid)).as("ASID pins of pid %d", pid).isZero();
                assertThat(h.mm.subscriptionsOf(pid)).isZero();
                assertThat(h.sva.find(pasidOf.get(pid))).isEmpty();
            }
            // Each CD installed was cleared exactly once, by unbind or by exit, never twice.
            assertThat(h.driver.callsFor("detach")).hasSameSizeAs(h.driver.callsFor("attach"));
            Set<String> exited = new HashSet<>(h.deviceDrivers.calls);
            assertThat(exited).hasSameSizeAs(h.deviceDrivers.calls);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void concurrentBindsOfOneMmFromSeveralDevicesGetOnePasid(long seed) {
        Random rnd = new Random(seed);
        try (SvaHarness h = new SvaHarness()) {
            Jitter jitter = new Jitter(seed);
            int n = 2 + rnd.nextInt(4);
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                devices.add(h.initPci("00:0" + i + ".0", 8 * (i + 1)));
            }
            h.process(1);
            h.mm.onPin = pid -> jitter.perturb();
            h.driver.afterAttach = key -> jitter.perturb();
            CyclicBarrier start = new CyclicBarrier(n);
            List<CompletableFuture<Integer>> binds = new ArrayList<>();
            for (Device d : devices) {
                binds.add(SvaHarness.supplyInThread("bind-" + d.id(), () -> {
                    awaitBarrier(start);
                    return h.bind(d, 1);
                }));
            }
            Set<Integer> pasids = new HashSet<>();
            for (CompletableFuture<Integer> f : binds) {
                pasids.add(SvaHarness.await(f));
            }
            assertThat(pasids).hasSize(1);
            assertThat(h.mm.pinCount(1)).isEqualTo(1);
            assertThat(h.mm.subscriptionsOf(1)).isEqualTo(1);
            assertThat(h.driver.cds).hasSize(n);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aBindRacingTheExitOfItsProcessLeavesNoCdBehind(long seed) {
        Random rnd = new Random(seed);
        try (SvaHarness h = new SvaHarness()) {
            Jitter jitter = new Jitter(seed);
            Device a = h.initPci("00:01.0", 8);
            Device b = h.initPci("00:02.0", 16);
            h.process(1);
            boolean alreadyBound = rnd.nextBoolean();
            int pasid = alreadyBound ? h.bind(a, 1) : -1;
            h.mm.onPin = pid -> jitter.perturb();
            h.driver.afterAttach = key -> jitter.perturb();
            h.driver.beforeDetach = key -> jitter.perturb();
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Integer> bind = SvaHarness.supplyInThread("bind-" + seed, () -> {
                awaitBarrier(start);
                try {
                    return h.bind(b, 1);
                } catch (ErrnoException e) {
                    assertThat(e.errno()).isEqualTo(Errno.ESRCH);
                    return -1;
                }
            });
            CompletableFuture<Void> exit = SvaHarness.inThread("exit-" + seed, () -> {
                awaitBarrier(start);
                h.mm.exit(1);
            });
            int bound = SvaHarness.await(bind);
            SvaHarness.await(exit);

            assertThat(h.cdsAfterRelease).isEmpty();
            assertThat(h.driver.cds).isEmpty();
            // v1: the exit freed every bond, a bind that won the race included.
            assertThat(h.sva.device(a.id()).orElseThrow().bonds()).isEmpty();
            assertThat(h.sva.device(b.id()).orElseThrow().bonds()).isEmpty();
            assertThat(h.gauge("sva.pasids")).isZero();
            assertThat(h.mm.pinCount(1)).isZero();
            assertThat(h.mm.subscriptionsOf(1)).isZero();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(SvaHarness.WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("latch never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void awaitBarrier(CyclicBarrier b) {
        try {
            b.await(SvaHarness.WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("barrier", e);
        }
    }
}
