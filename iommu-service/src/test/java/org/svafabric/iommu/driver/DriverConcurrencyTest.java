package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.cmd.CmdTlbi;
import org.svafabric.iommu.hw.regs.SmmuConfig;

/** The driver under concurrent callers, with fixed seeds; every wait is bounded so a deadlock fails. */
class DriverConcurrencyTest {

    /**
     * Many threads issue TLBIs and CMD_SYNCs into an 8-entry command queue consumed by another thread: the
     * ring wraps and fills constantly, and each issueSync must return only after its own commands were
     * carried out.
     */
    @Test
    void everyCmdSyncReturnsAfterItsOwnCommandsThroughAFullWrappingQueue() throws Exception {
        syncRace(SmmuConfig.builder().cmdqLog2(3).build());
    }

    /** Without MSIs (nor SEV) the driver watches CMDQ_CONS move past its CMD_SYNC instead. */
    @Test
    void withoutMsisCmdSyncCompletionIsReadFromCons() throws Exception {
        syncRace(SmmuConfig.builder().cmdqLog2(3).msi(false).sev(false).build());
    }

    private void syncRace(SmmuConfig config) throws Exception {
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try {
            DriverHarness h = new DriverHarness(config, DriverSettings.defaults(), false, consumer);
            int threads = 6;
            int rounds = 150;
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Random rnd = new Random(42 + thread);
                    for (int r = 0; r < rounds; r++) {
                        int asid = 1 + thread * 1000 + r;
                        int n = 1 + rnd.nextInt(5);
                        List<CmdTlbi> cmds = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            cmds.add(CmdTlbi.nhAsid(asid));
                        }
                        if (rnd.nextInt(3) == 0) {
                            h.driver.cmdq().issue(cmds);
                            continue;
                        }
                        h.driver.cmdq().issueSync(cmds);
                        long seen;
                        synchronized (h.journal) {
                            seen = h.tlbis.stream().filter(x -> x.asid() == asid).count();
                        }
                        if (seen != n) {
                            violations.add("thread " + thread + " round " + r + ": " + seen + " of " + n + " TLBIs done at SYNC return");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(violations).isEmpty();
        } finally {
            consumer.shutdownNow();
        }
    }

    /**
     * One thread maps, translates and unmaps an IOVA in a private domain; another keeps binding a process
     * whose ASID is the domain's current one, which seizes it, and translates the same address through the
     * shared CD. The process's table maps that address elsewhere: the shared context must never see the
     * domain's page (a TLB entry left under the seized ASID would leak it), and the domain must keep
     * translating through its new ASID.
     */
    @Test
    void seizingAnAsidNeverLetsAProcessSeeThePrivateDomainsTranslations() throws Exception {
        for (int seed = 1; seed <= 12; seed++) {
            seizingRace(seed);
        }
    }

    private void seizingRace(int seed) throws Exception {
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try {
            DriverHarness h = new DriverHarness(SmmuConfig.defaults(), DriverSettings.defaults(), true, consumer);
            Master classic = h.driver.addMaster(DriverHarness.pci("0000:03:00.0", 0, false, false));
            Master sva = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
            PrivateDomain d = h.driver.createDomain();
            h.driver.attachDomain(d, classic.id());
            long iova = 0x40_0000L;
            long privatePa = 0x7_0000L;
            long processPa = 0x9_0000L;
            long pgd = processTable(h, iova, processPa);

            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            CountDownLatch stop = new CountDownLatch(1);
            AtomicInteger binds = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<?> dma = pool.submit(() -> {
                // Both sides must have run a while together, however the threads are scheduled.
                for (int i = 0; i < 100 || binds.get() < 20; i++) {
                    h.driver.map(d, iova, List.of(privatePa), true, true);
                    Translation t = transaction(h, new TransactionRequest(classic.sid(), TransactionRequest.NO_SSID, iova, false, false, false));
                    if (!(t instanceof Translation.Ok ok) || ok.pa() != privatePa) {
                        violations.add("private domain round " + i + ": " + t + " (domain ASID " + h.driver.asidOf(d) + ")");
                    }
                    h.driver.unmap(d, iova, Vmsa.PAGE_SIZE);
                }
                stop.countDown();
                return null;
            });
            Future<?> binder = pool.submit(() -> {
                Random rnd = new Random(seed);
                int pasid = 1;
                while (stop.getCount() > 0) {
                    int asid = h.driver.asidOf(d);
                    h.driver.attach(sva.device, pasid, pgd, asid, false);
                    Translation t = transaction(h, new TransactionRequest(sva.sid(), pasid, iova, false, false, false));
                    if (t instanceof Translation.Ok ok && ok.pa() != processPa) {
                        violations.add("process with ASID " + asid + " reached 0x" + Long.toHexString(ok.pa()));
                    }
                    h.driver.detach(sva.device, pasid, asid);
                    binds.incrementAndGet();
                    pasid = 1 + rnd.nextInt(1000);
                }
                return null;
            });
            dma.get(120, TimeUnit.SECONDS);
            binder.get(120, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(violations).as("seed " + seed).isEmpty();
            assertThat(binds.get()).isGreaterThanOrEqualTo(20);
        } finally {
            consumer.shutdownNow();
        }
    }

    /**
     * A translation as part of a device transaction: inside an in-flight pass, which configuration and TLB
     * invalidations wait for (as the untranslated port does), so a CMD_SYNC completes only after it.
     */
    private static Translation transaction(DriverHarness h, TransactionRequest r) {
        long pass = h.model.inFlight().enter();
        try {
            return h.model.translate(r);
        } finally {
            h.model.inFlight().exit(pass);
        }
    }

    private static long processTable(DriverHarness h, long va, long pa) {
        long pgd = h.ram.allocKernelPages("cpu", 1);
        long table = pgd;
        for (int level = 0; level < 3; level++) {
            long next = h.ram.allocKernelPages("cpu", 1);
            h.ram.write64(table + 8L * Vmsa.index(va, level), Pte.table(next));
            table = next;
        }
        h.ram.write64(table + 8L * Vmsa.index(va, 3), Pte.userPage(pa, true, true, false, true, true));
        return pgd;
    }
}
