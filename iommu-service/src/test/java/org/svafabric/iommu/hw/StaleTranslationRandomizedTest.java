package org.svafabric.iommu.hw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.svafabric.api.bits.Words;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;
import org.svafabric.iommu.hw.walker.Access;
import org.svafabric.iommu.hw.walker.Stage1Translator;

/**
 * Translations racing page-table changes, CD switches and the invalidations that follow them. The invariant:
 * a translation that ran entirely after an invalidation completed, with nothing changing meanwhile, gives
 * exactly what a fresh walk of the tables in RAM gives. So neither the TLB, the walk cache nor the
 * configuration cache may hold anything past the invalidation that removed it, including a fill from a walk
 * that overlapped the invalidation.
 *
 * <p>One thread changes the tables, as a driver would: change in RAM, then the invalidation the
 * architecture requires (TLBI by VA leaf or range, TLBI by ASID, non-leaf TLBI when a level-3 table is
 * replaced, CFGI_CD and TLBI of the old ASID when the CD moves to other tables). Before a change it raises
 * "changing"; after the invalidation it publishes a new version. Translator threads check only results whose
 * translation saw the same version before and after and no change in progress. Choices come from fixed seeds;
 * the mutator waits for the translators to make progress between changes, so windows without change exist
 * without depending on timing.
 */
class StaleTranslationRandomizedTest {
    private static final int SID = 1;
    private static final int PASID = 1;
    private static final long BASE = 0x0000_2000_0000_0000L;
    private static final int REGIONS = 4;
    private static final int PAGES_PER_REGION = 16;
    private static final int MUTATIONS = 1500;

    private final SmmuFixture f = new SmmuFixture(SmmuConfig.builder().tlbEntries(32).tlbWays(4)
            .walkCacheEntries(8).steCacheEntries(4).cdCacheEntries(4).build());
    private final AtomicReference<Object> version = new AtomicReference<>(new Object());
    private final AtomicBoolean changing = new AtomicBoolean();
    private final AtomicLong translations = new AtomicLong();
    private final AtomicLong checked = new AtomicLong();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private long cdTable;

    private static long va(int region, int page) {
        return BASE + ((long) region << 21) + ((long) page << 12);
    }

    private static long freshPa(Random r) {
        return SmmuFixture.DATA_BASE + ((long) r.nextInt(1 << 14) << 12);
    }

    private static long leaf(long pa, boolean writable) {
        return Pte.userPage(pa, true, writable, false, true, true);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 1234})
    void noTranslationIsStalePastItsInvalidation(long seed) throws Exception {
        Random setup = new Random(seed);
        PageTableBuilder[] trees = {new PageTableBuilder(f.bus), new PageTableBuilder(f.bus)};
        for (PageTableBuilder t : trees) {
            for (int r = 0; r < REGIONS; r++) {
                for (int p = 0; p < PAGES_PER_REGION; p++) {
                    t.map(va(r, p), leaf(freshPa(setup), setup.nextBoolean()));
                }
            }
        }
        cdTable = f.stage1Stream(SID, 2);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(trees[0].pgd(), 100));
        f.enable();

        List<Thread> translators = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long s = seed * 31 + i;
            translators.add(new Thread(() -> translate(new Random(s)), "translator-" + i));
        }
        translators.forEach(Thread::start);
        try {
            mutate(new Random(seed), trees);
        } finally {
            done.set(true);
            for (Thread t : translators) {
                t.join(60_000);
                assertThat(t.isAlive()).as("translator stops").isFalse();
            }
        }
        assertThat(violations).isEmpty();
        assertThat(checked.get()).as("translations checked in quiet windows").isGreaterThan(MUTATIONS);
    }

    private void mutate(Random r, PageTableBuilder[] trees) {
        int current = 0;
        int asid = 100;
        for (int i = 0; i < MUTATIONS; i++) {
            long progress = translations.get();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (translations.get() < progress + 40 && !done.get()) {
                // Bounded: translators that died (or hang) fail the test instead of spinning it for ever.
                assertThat(System.nanoTime()).as("translators make progress").isLessThan(deadline);
                Thread.onSpinWait();
            }
            PageTableBuilder t = trees[current];
            int region = r.nextInt(REGIONS);
            int page = r.nextInt(PAGES_PER_REGION);
            long va = va(region, page);
            changing.set(true);
            switch (r.nextInt(6)) {
                case 0: // remap one page, TLBI by VA (leaf)
                    t.setLeaf(va, leaf(freshPa(r), r.nextBoolean()));
                    f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, asid, va, true));
                    break;
                case 1: // unmap one page
                    t.setLeaf(va, 0);
                    f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, asid, va, true));
                    break;
                case 2: { // remap a run of pages, one range TLBI: TG 4 KiB, (NUM + 1) * 2^SCALE pages
                    int first = r.nextInt(PAGES_PER_REGION - 4);
                    for (int p = first; p < first + 4; p++) {
                        t.setLeaf(va(region, p), leaf(freshPa(r), r.nextBoolean()));
                    }
                    f.smmu.invalidateTlb(new TlbInvalidation(Regime.NH, Scope.VA, asid, va(region, first), true, 1, 1, 1, 0));
                    break;
                }
                case 3: { // replace the level-3 table of a region: needs a non-leaf invalidation
                    long table = f.bus.allocKernelPages("l3", 1);
                    for (int p = 0; p < PAGES_PER_REGION; p++) {
                        f.bus.write64(table + (long) Vmsa.index(va(region, p), 3) * 8, leaf(freshPa(r), r.nextBoolean()));
                    }
                    long slot = t.descriptorAddress(va, 2, false);
                    f.bus.write64(slot, Pte.table(table));
                    if (r.nextBoolean()) {
                        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, asid, va(region, 0), false));
                        f.smmu.invalidateTlb(TlbInvalidation.asid(Regime.NH, asid)); // the other pages of the region
                    } else {
                        f.smmu.invalidateTlb(TlbInvalidation.asid(Regime.NH, asid));
                    }
                    break;
                }
                case 4: { // move the CD to the other tables with a new ASID, as Linux replaces a live CD
                    int old = asid;
                    current ^= 1;
                    asid = asid == 100 ? 200 : 100;
                    replaceCd(SmmuFixture.svaCd(trees[current].pgd(), asid));
                    f.smmu.invalidateTlb(TlbInvalidation.asid(Regime.NH, old));
                    break;
                }
                default: // change permissions only
                    long d = t.leaf(va);
                    if (Pte.isValid(d)) {
                        t.setLeaf(va, leaf(Pte.outputAddress(d), !Pte.isHwWritable(d)));
                        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, asid, va, true));
                    }
                    break;
            }
            version.set(new Object());
            changing.set(false);
        }
    }

    /**
     * A 64-byte CD is not written atomically, so a live one is replaced in steps: clear V (word 0, one
     * single-copy-atomic store), CFGI_CD; write words 1-7, then word 0 with V = 1; CFGI_CD.
     */
    private void replaceCd(Cd cd) {
        long slot = cdTable + PASID * 64L;
        f.bus.write64(slot, Cd.V.with(f.bus.read64(slot), false));
        f.smmu.invalidateCd(SID, PASID);
        long[] w = cd.words();
        for (int i = 1; i < w.length; i++) {
            f.bus.write64(slot + 8L * i, w[i]);
        }
        f.bus.write64(slot, w[0]);
        f.smmu.invalidateCd(SID, PASID);
    }

    private void translate(Random r) {
        while (!done.get()) {
            long va = va(r.nextInt(REGIONS), r.nextInt(PAGES_PER_REGION)) + r.nextInt(4096);
            boolean write = r.nextInt(4) == 0;
            Object before = version.get();
            boolean quietBefore = !changing.get();
            long got;
            if (r.nextBoolean()) {
                Translation t = f.smmu.translate(new TransactionRequest(SID, PASID, va, write, false, false));
                got = t instanceof Translation.Ok ? ((Translation.Ok) t).pa() : -1;
            } else {
                got = f.smmu.translateCached(SID, PASID, va, Access.of(write, false, false));
                if (got == Stage1Translator.MISS) {
                    translations.incrementAndGet();
                    continue;
                }
            }
            long expected = freshWalk(va, write); // inside the window, before it is known to be quiet
            boolean quietAfter = !changing.get();
            if (quietBefore && quietAfter && version.get() == before) {
                if (got != expected) {
                    violations.add(String.format("va %x write %b: got %x, fresh walk %x", va, write, got, expected));
                }
                checked.incrementAndGet();
            }
            translations.incrementAndGet();
        }
    }

    /** A reference walk of what is in RAM now, independent of the model's code: PA, or -1 for any fault. */
    private long freshWalk(long va, boolean write) {
        Cd cd = Cd.decode(Words.fromBytes(f.bus.read(cdTable + PASID * 64L, 64)));
        if (!cd.valid()) {
            return -1;
        }
        long table = cd.address(Cd.TTB0);
        for (int level = 0; level < 3; level++) {
            long d = f.bus.read64(table + (long) Vmsa.index(va, level) * 8);
            if (!Pte.isTable(d, level)) {
                return -1;
            }
            table = Pte.nextTable(d);
        }
        long d = f.bus.read64(table + (long) Vmsa.index(va, 3) * 8);
        if (!Pte.isPage(d, 3) || (write && !Pte.isHwWritable(d))) {
            return -1;
        }
        return Pte.outputAddress(d) | (va & 0xfff);
    }
}
