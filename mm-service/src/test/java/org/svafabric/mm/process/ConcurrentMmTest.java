package org.svafabric.mm.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.ram.Watermarks;

/**
 * Races between the CPU (loads and stores of several processes on their own threads), the
 * I/O page-fault path (handle_mm_fault on the same pages from other threads), explicit reclaim,
 * and direct reclaim under memory pressure, which takes pages from whichever process it can
 * lock. Each CPU thread checks every load against its own model of its process's memory; the
 * op sequences come from fixed seeds. At the end every frame and swap slot is back.
 */
class ConcurrentMmTest {
    private static final int PAGES = 48;
    private static final int PAGE = 4096;
    /** Fewer frames than the four processes map: they only fit by taking pages from each other. */
    private static final int FRAMES = 180;

    @Test
    void cpuFaultsAndReclaimRaceWithoutLosingABit() throws Exception {
        TestMachine t = new TestMachine(FRAMES, new Watermarks(6, 8, 10), TestMachine.acking(), Duration.ofSeconds(1), 8);
        int nproc = 4;
        List<Mm> mms = new ArrayList<>();
        List<Long> bases = new ArrayList<>();
        for (int i = 0; i < nproc; i++) {
            Mm mm = t.newMm();
            mms.add(mm);
            bases.add(t.memoryMap.mmap(mm, (long) PAGES * PAGE, Prot.RW, false, 0));
        }
        List<Callable<Void>> workers = new ArrayList<>();
        for (int i = 0; i < nproc; i++) {
            Mm mm = mms.get(i);
            long base = bases.get(i);
            long seed = 1000 + i;
            workers.add(() -> {
                Random rnd = new Random(seed);
                byte[] model = new byte[PAGES * PAGE];
                for (int op = 0; op < 1500; op++) {
                    int off = rnd.nextInt(model.length - 1);
                    int len = 1 + rnd.nextInt(Math.min(model.length - off, 2 * PAGE));
                    try {
                        if (rnd.nextBoolean()) {
                            byte[] data = new byte[len];
                            rnd.nextBytes(data);
                            t.cpu.write(mm, base + off, data);
                            System.arraycopy(data, 0, model, off, len);
                        } else {
                            byte[] got = t.cpu.read(mm, base + off, len);
                            assertThat(got).as("seed %d op %d", seed, op).isEqualTo(Arrays.copyOfRange(model, off, off + len));
                        }
                    } catch (ErrnoException e) {
                        // When every address space is busy at once, reclaim finds no victim it may lock
                        // and the access fails with ENOMEM before a byte moved: the model stays right.
                        assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOMEM);
                    }
                }
                return null;
            });
        }
        workers.add(() -> {
            Random rnd = new Random(77);
            for (int op = 0; op < 3000; op++) {
                int i = rnd.nextInt(nproc);
                long va = bases.get(i) + (long) rnd.nextInt(PAGES) * PAGE;
                Access a = rnd.nextBoolean() ? Access.READ : Access.WRITE;
                PageFaults.Outcome o = t.faults.handleMmFault(mms.get(i), va, a, false);
                assertThat(o.ok() || o.errno().name().equals("ENOMEM")).as("fault at 0x%x: %s", va, o.reason()).isTrue();
            }
            return null;
        });
        workers.add(() -> {
            Random rnd = new Random(99);
            for (int op = 0; op < 300; op++) {
                int i = rnd.nextInt(nproc);
                if (rnd.nextBoolean()) {
                    t.reclaim.reclaimCold(mms.get(i), 1 + rnd.nextInt(16));
                } else {
                    t.reclaim.reclaimRange(mms.get(i), bases.get(i) + (long) rnd.nextInt(PAGES / 2) * PAGE, 8L * PAGE);
                }
            }
            return null;
        });

        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> w : workers) {
                done.add(pool.submit(w));
            }
            for (Future<Void> f : done) {
                // A deadlock guard, not a performance bound: the run takes about a second.
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(t.machine.metrics().swapOuts.count()).isPositive();
        assertThat(t.machine.frames().directReclaims()).as("allocations reclaimed from other processes").isPositive();
        assertThat(t.machine.metrics().swapIns()).isPositive();
        for (Mm mm : mms) {
            long[] counts = new long[2];
            mm.pageTable().forEach(0, MmapLayout.TASK_SIZE, (va, ptep, d) -> counts[Pte.isValid(d) ? 0 : 1]++);
            assertThat(mm.residentPages()).isEqualTo(counts[0]);
            assertThat(mm.swappedPages()).isEqualTo(counts[1]);
            t.processes.exit(mm.pid());
        }
        assertThat(t.machine.frames().freeFrames()).isEqualTo(FRAMES - 1);
        assertThat(t.machine.swap().slotsUsed()).isZero();
    }
}
