package org.svafabric.mm.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.ram.FrameUse;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Watermarks;

/**
 * mmap/munmap/mprotect/write/read/reclaim/pin/unpin in random order against a reference model
 * (page -> bytes + prot, page -> pins), on a RAM small enough that memory pressure reclaims
 * pages behind the processes' backs. Bytes and errors must never disagree with the model; at
 * the end, after exit and unpin, every frame and swap slot is back.
 */
class MmRandomizedTest {
    private static final int PAGE = 4096;
    private static final int FRAMES = 400;
    private static final int MAX_PAGES_PER_PROCESS = 120;
    private static final int MAX_PINS = 30;

    /** The reference: what each page of each process holds and allows. */
    private static final class Model {
        final TreeMap<Long, Prot> prot = new TreeMap<>();
        final Map<Long, byte[]> bytes = new HashMap<>();
        final Map<Long, Integer> pins = new HashMap<>();

        boolean allMapped(long start, long end) {
            for (long p = start & ~0xfffL; p < end; p += PAGE) {
                if (!prot.containsKey(p)) {
                    return false;
                }
            }
            return true;
        }

        boolean allAllow(long start, long end, Access a) {
            for (long p = start & ~0xfffL; p < end; p += PAGE) {
                Prot pr = prot.get(p);
                if (pr == null || !pr.allows(a)) {
                    return false;
                }
            }
            return true;
        }

        byte get(long va) {
            byte[] b = bytes.get(va & ~0xfffL);
            return b == null ? 0 : b[(int) (va & 0xfff)];
        }

        void put(long va, byte v) {
            bytes.computeIfAbsent(va & ~0xfffL, k -> new byte[PAGE])[(int) (va & 0xfff)] = v;
        }
    }

    private TestMachine t;
    private Random rnd;
    private final List<Mm> mms = new ArrayList<>();
    private final List<Model> models = new ArrayList<>();
    private int totalPins;

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1234, 98765})
    void modelAndMachineNeverDisagree(long seed) {
        t = new TestMachine(FRAMES, new Watermarks(8, 10, 12), TestMachine.acking(), Duration.ofSeconds(1), 8);
        rnd = new Random(seed);
        for (int i = 0; i < 4; i++) {
            mms.add(t.newMm());
            models.add(new Model());
        }
        for (int step = 0; step < 4000; step++) {
            int i = rnd.nextInt(mms.size());
            Mm mm = mms.get(i);
            Model m = models.get(i);
            int op = rnd.nextInt(100);
            try {
                if (op < 12) {
                    mmap(mm, m);
                } else if (op < 20) {
                    munmap(mm, m);
                } else if (op < 28) {
                    mprotect(mm, m);
                } else if (op < 50) {
                    write(mm, m);
                } else if (op < 72) {
                    read(mm, m);
                } else if (op < 80) {
                    reclaim(mm, m);
                } else if (op < 90) {
                    pin(mm, m);
                } else {
                    unpin(mm, m);
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " step " + step + " (process " + i + "): " + e.getMessage(), e);
            }
            if (step % 200 == 0) {
                checkDescriptors();
            }
        }
        checkDescriptors();
        assertThat(t.machine.metrics().swapOuts.count()).as("pages went to swap").isPositive();
        assertThat(t.machine.metrics().swapIns()).as("and came back").isPositive();
        assertThat(t.machine.metrics().agedPages.count()).as("reclaim aged young pages").isPositive();
        teardownReturnsEverything();
    }

    private long randomAddress(Model m) {
        if (m.prot.isEmpty() || rnd.nextInt(10) == 0) {
            return MmapLayout.MMAP_BASE - (long) rnd.nextInt(2000) * PAGE;
        }
        List<Long> pages = new ArrayList<>(m.prot.keySet());
        long base = pages.get(rnd.nextInt(pages.size()));
        return base + (long) (rnd.nextInt(5) - 2) * PAGE;
    }

    private void mmap(Mm mm, Model m) {
        long length = rnd.nextInt(20) == 0 ? 0 : 1 + rnd.nextInt(8 * PAGE);
        long pages = (length + PAGE - 1) / PAGE;
        if (m.prot.size() + pages > MAX_PAGES_PER_PROCESS) {
            return;
        }
        Prot prot = randomProt();
        boolean populate = rnd.nextInt(4) == 0;
        long hint = rnd.nextInt(4) == 0 ? randomAddress(m) : 0;
        if (length == 0) {
            expectErrno(Errno.EINVAL, () -> t.memoryMap.mmap(mm, length, prot, populate, hint));
            return;
        }
        long addr = t.memoryMap.mmap(mm, length, prot, populate, hint);
        assertThat(addr & 0xfff).isZero();
        for (long p = addr; p < addr + pages * PAGE; p += PAGE) {
            assertThat(m.prot.containsKey(p)).as("mmap returned mapped page 0x%x", p).isFalse();
            m.prot.put(p, prot);
            m.bytes.remove(p);
        }
    }

    private void munmap(Mm mm, Model m) {
        long addr = randomAddress(m) + (rnd.nextInt(15) == 0 ? 8 : 0);
        long length = rnd.nextInt(15) == 0 ? 0 : 1 + rnd.nextInt(6 * PAGE);
        if ((addr & 0xfff) != 0 || length == 0) {
            expectErrno(Errno.EINVAL, () -> t.memoryMap.munmap(mm, addr, length));
            return;
        }
        t.memoryMap.munmap(mm, addr, length);
        for (long p = addr; p < addr + length; p += PAGE) {
            m.prot.remove(p);
            m.bytes.remove(p);
        }
    }

    private void mprotect(Mm mm, Model m) {
        long addr = randomAddress(m) + (rnd.nextInt(15) == 0 ? 16 : 0);
        long length = rnd.nextInt(6 * PAGE);
        Prot prot = randomProt();
        if ((addr & 0xfff) != 0) {
            expectErrno(Errno.EINVAL, () -> t.memoryMap.mprotect(mm, addr, length, prot));
            return;
        }
        if (length > 0 && !m.allMapped(addr, addr + length)) {
            expectErrno(Errno.ENOMEM, () -> t.memoryMap.mprotect(mm, addr, length, prot));
            return;
        }
        t.memoryMap.mprotect(mm, addr, length, prot);
        for (long p = addr; p < addr + length; p += PAGE) {
            m.prot.put(p, prot);
        }
    }

    private void write(Mm mm, Model m) {
        long va = randomAddress(m) + rnd.nextInt(PAGE);
        byte[] data = new byte[1 + rnd.nextInt(3 * PAGE)];
        rnd.nextBytes(data);
        if (!m.allAllow(va, va + data.length, Access.WRITE)) {
            expectErrno(Errno.EFAULT, () -> t.cpu.write(mm, va, data));
            return;
        }
        t.cpu.write(mm, va, data);
        for (int k = 0; k < data.length; k++) {
            m.put(va + k, data[k]);
        }
    }

    private void read(Mm mm, Model m) {
        long va = randomAddress(m) + rnd.nextInt(PAGE);
        int length = 1 + rnd.nextInt(3 * PAGE);
        if (!m.allAllow(va, va + length, Access.READ)) {
            expectErrno(Errno.EFAULT, () -> t.cpu.read(mm, va, length));
            return;
        }
        byte[] got = t.cpu.read(mm, va, length);
        byte[] want = new byte[length];
        for (int k = 0; k < length; k++) {
            want[k] = m.get(va + k);
        }
        if (!Arrays.equals(got, want)) {
            int k = Arrays.mismatch(got, want);
            fail("read at 0x%x+%d: byte %d is %d, model says %d", va, length, k, got[k], want[k]);
        }
    }

    private void reclaim(Mm mm, Model m) {
        if (rnd.nextBoolean()) {
            assertThat(t.reclaim.reclaimCold(mm, 1 + rnd.nextInt(20))).isNotNegative();
            return;
        }
        long addr = randomAddress(m);
        long length = 1 + rnd.nextInt(6 * PAGE);
        if (!m.allMapped(addr, addr + length)) {
            expectErrno(Errno.ENOMEM, () -> t.reclaim.reclaimRange(mm, addr, length));
            return;
        }
        t.reclaim.reclaimRange(mm, addr, length);
    }

    private void pin(Mm mm, Model m) {
        long va = randomAddress(m) + rnd.nextInt(PAGE);
        long length = 1 + rnd.nextInt(2 * PAGE);
        boolean write = rnd.nextBoolean();
        long first = va & ~0xfffL;
        long pages = ((va + length + PAGE - 1) & ~0xfffL) - first >> 12;
        if (totalPins + pages > MAX_PINS) {
            return;
        }
        if (!m.allAllow(va, va + length, write ? Access.WRITE : Access.READ)) {
            expectErrno(Errno.EFAULT, () -> t.gup.pin(mm, va, length, write));
            return;
        }
        List<Long> pas = t.gup.pin(mm, va, length, write);
        assertThat(pas).hasSize((int) pages);
        Ram ram = t.machine.ram();
        for (int k = 0; k < pas.size(); k++) {
            long page = first + (long) k * PAGE;
            m.pins.merge(page, 1, Integer::sum);
            totalPins++;
            // The pinned frame holds the page's bytes: what the CPU wrote, a device reads at that PA.
            assertThat(ram.read(pas.get(k), PAGE)).isEqualTo(modelPage(m, page));
        }
    }

    private void unpin(Mm mm, Model m) {
        if (m.pins.isEmpty() || rnd.nextInt(8) == 0) {
            long va = randomAddress(m);
            if (!m.pins.containsKey(va & ~0xfffL)) {
                expectErrno(Errno.EINVAL, () -> t.gup.unpin(mm, va, 1));
            }
            return;
        }
        List<Long> pinned = new ArrayList<>(m.pins.keySet());
        long page = pinned.get(rnd.nextInt(pinned.size()));
        t.gup.unpin(mm, page, PAGE);
        totalPins--;
        if (m.pins.merge(page, -1, Integer::sum) == 0) {
            m.pins.remove(page);
        }
    }

    private byte[] modelPage(Model m, long page) {
        byte[] b = m.bytes.get(page);
        return b == null ? new byte[PAGE] : b;
    }

    private Prot randomProt() {
        String[] p = {"rw", "rw", "rw", "r", "rx", "rwx", "none", "w"};
        return Prot.parse(p[rnd.nextInt(p.length)]);
    }

    /** Every descriptor is a page on an ANON frame or a swap entry, and the mm's counters match. */
    private void checkDescriptors() {
        Ram ram = t.machine.ram();
        for (Mm mm : mms) {
            long[] present = {0};
            long[] swapped = {0};
            mm.pageTable().forEach(0, MmapLayout.TASK_SIZE, (va, ptep, d) -> {
                if (Pte.isValid(d)) {
                    present[0]++;
                    assertThat(ram.use(ram.pfn(Pte.outputAddress(d)))).as("frame of 0x%x", va).isEqualTo(FrameUse.ANON);
                } else {
                    assertThat(Pte.isSwapEntry(d)).isTrue();
                    swapped[0]++;
                }
                assertThat(mm.vmas().find(va)).as("descriptor outside any VMA at 0x%x", va).isNotNull();
            });
            assertThat(mm.residentPages()).isEqualTo(present[0]);
            assertThat(mm.swappedPages()).isEqualTo(swapped[0]);
        }
    }

    private void teardownReturnsEverything() {
        for (int i = 0; i < mms.size(); i++) {
            Mm mm = mms.get(i);
            t.processes.exit(mm.pid());
            for (Map.Entry<Long, Integer> e : models.get(i).pins.entrySet()) {
                for (int k = 0; k < e.getValue(); k++) {
                    t.gup.unpin(mm, e.getKey(), PAGE);
                }
            }
        }
        assertThat(t.machine.frames().freeFrames()).as("every frame back after exit and unpin").isEqualTo(FRAMES - 1);
        assertThat(t.machine.swap().slotsUsed()).isZero();
        assertThat(t.machine.ram().pinnedFrames()).isZero();
    }

    private static void expectErrno(Errno errno, Runnable r) {
        try {
            r.run();
        } catch (ErrnoException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
            return;
        }
        fail("expected " + errno);
    }
}
