package org.svafabric.iommu.hw.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.pcie.PcieLink;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.queue.RamRing;
import org.svafabric.iommu.hw.stall.StallTable;
import org.svafabric.iommu.hw.testing.ManualScheduler;
import org.svafabric.iommu.hw.testing.RecordingTarget;

/**
 * The consumer on its own thread, a driver thread producing into a small ring, and endpoints answering ATC
 * invalidations from a third thread in a seeded random order. Every command runs once and in order; each
 * CMD_SYNC signals only after every ATC invalidation submitted before it has completed.
 */
class CommandQueueConcurrencyTest {
    private static final long BASE = 0x70_0000;
    private static final long MSI = 0x71_0000;

    private final ExecutorService consumer = Executors.newSingleThreadExecutor();
    private final ExecutorService endpoints = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        consumer.shutdownNow();
        endpoints.shutdownNow();
    }

    /** Endpoints that complete invalidations later, in an order drawn from a seeded generator. */
    private final class SlowEndpoints implements PcieLink {
        final AtomicInteger completed = new AtomicInteger();
        final List<CompletableFuture<Void>> waiting = new ArrayList<>();
        final Random random;

        SlowEndpoints(long seed) {
            random = new Random(seed);
        }

        @Override
        public synchronized CompletionStage<Void> atcInvalidate(int sid, int ssid, long addr, int log2Pages, boolean global) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.add(f);
            endpoints.execute(this::completeOne);
            return f;
        }

        private void completeOne() {
            CompletableFuture<Void> f;
            synchronized (this) {
                f = waiting.remove(random.nextInt(waiting.size()));
            }
            completed.incrementAndGet();
            f.complete(null);
        }

        @Override
        public void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
        }
    }

    @Test
    void commandsRunOnceInOrderAndEverySyncWaitsForTheInvalidationsBeforeIt() throws Exception {
        LocalMemoryBus ram = new LocalMemoryBus();
        RecordingTarget target = new RecordingTarget();
        SlowEndpoints port = new SlowEndpoints(42);
        ManualScheduler scheduler = new ManualScheduler();
        GlobalErrors gerror = new GlobalErrors(Irq.NONE);
        AtcInvalidationTracker atc = new AtcInvalidationTracker(scheduler, Duration.ofMinutes(1));
        StallTable stalls = new StallTable(e -> true, CompletableFuture::new, scheduler, Duration.ofMinutes(1), 1);
        CommandDispatcher dispatcher = new CommandDispatcher(target, port, stalls, atc);

        int syncs = 300;
        int[] atcBeforeSync = new int[syncs + 1];
        List<String> violations = new ArrayList<>();
        CompletableFuture<Void> lastSync = new CompletableFuture<>();
        Irq syncIrq = () -> {
            int k = (int) Words.getLong(ram.read(MSI, 8), 0);
            if (port.completed.get() < atcBeforeSync[k]) {
                violations.add("SYNC " + k + " signalled with " + port.completed.get() + " of " + atcBeforeSync[k] + " completions");
            }
            if (k == syncs) {
                lastSync.complete(null);
            }
        };
        SyncSignal signal = new SyncSignal(ram, CommandFeatures.all(), gerror, syncIrq, Irq.NONE);
        CommandQueue queue = new CommandQueue(ram, CommandFeatures.all(), 19, dispatcher, atc, signal, gerror, consumer);
        queue.configure(new QueueBase(BASE, 3, false));
        queue.setEnabled(true);

        RamRing ring = new RamRing(ram, BASE, 3, 16);
        Random random = new Random(7);
        int prod = 0;
        int ste = 0;
        int atcSent = 0;
        for (int k = 1; k <= syncs; k++) {
            int batch = 1 + random.nextInt(6);
            List<Command> commands = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                if (random.nextBoolean()) {
                    commands.add(new CmdCfgiSte(ste++, false));
                } else {
                    commands.add(new CmdAtcInv(1, false, 0, false, 0, 52));
                    atcSent++;
                }
            }
            atcBeforeSync[k] = atcSent;
            // The SYNC's MSI is written before the interrupt: it carries k, so the handler knows which SYNC it sees.
            commands.add(CmdSync.msi(MSI, k));
            for (Command c : commands) {
                while (ring.used(prod, queue.readCons()) == ring.entries()) {
                    Thread.onSpinWait();
                }
                ring.write(prod, c.encode());
                prod = ring.next(prod);
                queue.writeProd(prod);
            }
        }
        lastSync.get(60, TimeUnit.SECONDS);

        assertThat(violations).isEmpty();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ste; i++) {
            expected.add("STE " + i + "/0");
        }
        assertThat(target.calls()).isEqualTo(expected);
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isFalse();
        assertThat(queue.readCons()).isEqualTo(prod);
    }
}
