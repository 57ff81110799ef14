package org.svafabric.iommu.hw.ats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.bus.MemoryBus.Range;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.StreamConfig;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.testing.CountingBus;
import org.svafabric.iommu.hw.testing.FaultyBus;
import org.svafabric.iommu.hw.tlb.Iotlb;
import org.svafabric.iommu.hw.walker.CostMeter;
import org.svafabric.iommu.hw.walker.DescriptorBurst;
import org.svafabric.iommu.hw.walker.Stage1Context;
import org.svafabric.iommu.hw.walker.Stage1Translator;
import org.svafabric.iommu.hw.walker.WalkCache;

/**
 * An ATS batch over several leaf tables the walk cache knows reads their descriptors in one bus request, as a
 * walker with several walks outstanding, and answers, faults and counts exactly as its walks one after another.
 */
class AtsBatchPrefetchTest {
    private static final int SID = 9;
    private static final int PASID = 2;
    private static final int PAGES = 64;
    /** A memcpy's source and destination: 64 pages each, in two leaf tables (2 MiB regions). */
    private static final long SRC = 0x0000_5555_0000_0000L;
    private static final long DST = SRC + (64L << 20);
    /** A third region, for a batch whose source the IOTLB holds. */
    private static final long DST2 = SRC + (128L << 20);
    private static final long SRC_PA = SmmuFixture.DATA_BASE;
    private static final long DST_PA = SmmuFixture.DATA_BASE + (1L << 20);
    /** A 128-page batch reads runs of 128 descriptors (see DescriptorBurst.open). */
    private static final int RUN = 1024;

    /** An SMMU over {@code bus} with the source and destination mapped, its stream bound and enabled. */
    private static final class Machine {
        final SmmuFixture f;
        final PageTableBuilder pt;
        final List<Event> events = new ArrayList<>();
        final AtsService ats;

        Machine(LocalMemoryBus bus, long cr2) {
            f = new SmmuFixture(SmmuConfig.defaults(), bus);
            pt = new PageTableBuilder(bus);
            ats = new AtsService(f.smmu, events::add);
            for (int i = 0; i < PAGES; i++) {
                pt.mapUser(page(SRC, i), SRC_PA + ((long) i << 12), true, true, false, true, true);
                pt.mapUser(page(DST, i), DST_PA + ((long) i << 12), true, true, false, true, true);
                pt.mapUser(page(DST2, i), DST_PA + ((long) i << 12), true, true, false, true, true);
            }
            long cdTable = f.stage1Stream(SID, 4);
            f.writeCd(cdTable, PASID, SmmuFixture.svaCd(pt.pgd(), 11));
            f.enable(cr2);
        }

        /** Configuration and the walk cache warmed by a page of each region outside the batches. */
        Machine warm() {
            ats.translate(SID, PASID, List.of(read(page(SRC, 100)), read(page(DST, 100)), read(page(DST2, 100))));
            return this;
        }

        List<AtsCompletion> translate(List<AtsRequest> pages) {
            return ats.translate(SID, PASID, pages);
        }

        /** The pages one request each: the walk without a batch. */
        List<AtsCompletion> oneByOne(List<AtsRequest> pages, TranslationWork work) {
            List<AtsCompletion> out = new ArrayList<>();
            pages.forEach(p -> out.addAll(ats.translate(SID, PASID, List.of(p), work)));
            return out;
        }

        long leafRun(long va) {
            return pt.descriptorAddress(va, 3, false) & -RUN;
        }
    }

    private static long page(long base, int i) {
        return base + ((long) i << 12);
    }

    private static AtsRequest read(long va) {
        return new AtsRequest(va, false, false, false);
    }

    private static AtsRequest write(long va) {
        return new AtsRequest(va, true, false, false);
    }

    /** A segment's source read and destination written, as a device asks for them in one batch. */
    private static List<AtsRequest> memcpy(long src, long dst) {
        List<AtsRequest> pages = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            pages.add(read(page(src, i)));
        }
        for (int i = 0; i < PAGES; i++) {
            pages.add(write(page(dst, i)));
        }
        return pages;
    }

    @Test
    void aBatchOverTwoLeafTablesTheWalkCacheHoldsIsOneBusRequest() {
        CountingBus bus = new CountingBus();
        Machine m = new Machine(bus, 0).warm();
        long srcRun = m.leafRun(SRC);
        long dstRun = m.leafRun(DST);
        bus.reset();
        List<AtsCompletion> out = m.translate(memcpy(SRC, DST));
        assertThat(bus.requests()).as("both leaf runs in one readBatch (walked one after another: two)").isEqualTo(1);
        assertThat(bus.reads()).containsExactly(new Range(srcRun, RUN), new Range(dstRun, RUN));
        assertThat(out).allMatch(c -> c.status() == AtsStatus.OK && c.read());
        assertThat(out.get(PAGES)).isEqualTo(AtsCompletion.granted(DST, DST_PA, 12, true, true, false, false));
    }

    @Test
    void translationsCountersAndCostAreThoseOfTheUnbatchedWalk() {
        Machine batched = new Machine(new LocalMemoryBus(), 0).warm();
        Machine alone = new Machine(new LocalMemoryBus(), 0).warm();
        // Besides mapped pages: one unmapped, one writable-clean (HTTU dirties it: a CAS, its line forgotten),
        // one with AF = 0 (HA sets it).
        for (Machine x : List.of(batched, alone)) {
            x.pt.clear(page(SRC, 5), 3);
            x.pt.mapUser(page(DST, 7), DST_PA + (7L << 12), true, true, false, true, false);
            x.pt.mapUser(page(DST, 9), DST_PA + (9L << 12), true, true, false, false, true);
        }
        List<AtsRequest> pages = memcpy(SRC, DST);
        TranslationWork batchWork = new TranslationWork();
        TranslationWork aloneWork = new TranslationWork();
        Iotlb.Stats tlbBefore = batched.f.smmu.tlbStats();
        WalkCache.Stats walkCacheBefore = batched.f.smmu.walkCacheStats();

        List<AtsCompletion> got = batched.ats.translate(SID, PASID, pages, batchWork);
        List<AtsCompletion> want = alone.oneByOne(pages, aloneWork);

        assertThat(got).isEqualTo(want);
        assertThat(got.get(5).noTranslation()).isTrue();
        assertThat(got.get(PAGES + 7).write()).isTrue();
        for (long va : List.of(page(DST, 7), page(DST, 9))) {
            assertThat(batched.pt.leaf(va)).isEqualTo(alone.pt.leaf(va));
        }
        assertThat(Pte.isDirty(batched.pt.leaf(page(DST, 7)))).isTrue();
        assertThat(Pte.AF.isSet(batched.pt.leaf(page(DST, 9)))).isTrue();
        assertThat(batched.f.smmu.streamStats()).as("the SMMU's counters").isEqualTo(alone.f.smmu.streamStats());
        Iotlb.Stats tlb = batched.f.smmu.tlbStats();
        WalkCache.Stats walkCache = batched.f.smmu.walkCacheStats();
        assertThat(tlb.misses() - tlbBefore.misses()).as("peeking the IOTLB counts nothing: one lookup a page")
                .isEqualTo(2 * PAGES);
        assertThat(tlb.hits()).isEqualTo(tlbBefore.hits());
        assertThat(walkCache.hits() - walkCacheBefore.hits()).as("nor does peeking the walk cache: one lookup a walk")
                .isEqualTo(2 * PAGES);
        assertThat(walkCache.misses()).isEqualTo(walkCacheBefore.misses());
        assertThat(tlb).as("and the IOTLB as the unbatched walk left it").isEqualTo(alone.f.smmu.tlbStats());
        assertThat(List.of(batchWork.walks(), batchWork.walkReads(), batchWork.tlbHits()))
                .as("a prefetched descriptor costs what its walk's read did")
                .isEqualTo(List.of(aloneWork.walks(), aloneWork.walkReads(), aloneWork.tlbHits()));
    }

    @Test
    void aBatchedReadTheBusAbortsFallsBackToEachRunAndIsNoFault() {
        CountingBus bus = new CountingBus();
        Machine m = new Machine(bus, Cr2.REC_CFG_ATS.mask()).warm();
        Machine alone = new Machine(new LocalMemoryBus(), 0).warm();
        List<AtsRequest> pages = memcpy(SRC, DST);
        bus.reset();
        bus.abortNextBatch();
        List<AtsCompletion> out = m.translate(pages);
        assertThat(out).isEqualTo(alone.oneByOne(pages, new TranslationWork()));
        assertThat(bus.requests()).as("the aborted prefetch, then each leaf run on its own").isEqualTo(3);
        assertThat(m.events).isEmpty();
    }

    @Test
    void aDescriptorTheBusCannotReadAbortsItsWalksAtTheSameAddressesAsWithoutThePrefetch() {
        FaultyBus bus = new FaultyBus();
        Machine m = new Machine(bus, Cr2.REC_CFG_ATS.mask()).warm();
        FaultyBus refBus = new FaultyBus();
        Machine ref = new Machine(refBus, Cr2.REC_CFG_ATS.mask()).warm();
        long bad = m.pt.descriptorAddress(page(DST, 20), 3, false);
        bus.failReads(bad, bad + 8);
        refBus.failReads(bad, bad + 8);
        List<AtsRequest> pages = memcpy(SRC, DST);

        List<AtsCompletion> out = m.translate(pages);
        List<Stage1Translator.Outcome> before = walkedOneAfterAnother(ref.f.smmu, pages);

        List<Long> expected = new ArrayList<>();
        for (Stage1Translator.Outcome o : before) {
            if (o instanceof Stage1Translator.Faulted f && f.type() == EventType.F_WALK_EABT) {
                expected.add(f.fetchPa());
            }
        }
        assertThat(expected).as("the destination's run cannot be read: each of its walks aborts at its own descriptor")
                .hasSize(PAGES).contains(bad, m.pt.descriptorAddress(DST, 3, false));
        assertThat(m.events).allMatch(e -> e.type() == EventType.F_WALK_EABT)
                .extracting(Event::fetchAddr).containsExactlyElementsOf(expected);
        assertThat(out.subList(0, PAGES)).allMatch(c -> c.status() == AtsStatus.OK);
        assertThat(out.subList(PAGES, 2 * PAGES)).allMatch(c -> c.status() == AtsStatus.COMPLETER_ABORT);
    }

    @Test
    void pagesTheIotlbHoldsAreNotPrefetched() {
        CountingBus bus = new CountingBus();
        Machine m = new Machine(bus, 0).warm();
        List<AtsRequest> src = memcpy(SRC, DST).subList(0, PAGES);
        m.translate(src);
        long dstRun = m.leafRun(DST);
        long dst2Run = m.leafRun(DST2);
        bus.reset();
        assertThat(m.translate(src)).allMatch(c -> c.status() == AtsStatus.OK);
        assertThat(bus.requests()).as("every page in the IOTLB: no read at all").isZero();

        List<AtsRequest> pages = new ArrayList<>(src);
        pages.addAll(memcpy(DST, DST2).subList(0, 32));
        pages.addAll(memcpy(DST, DST2).subList(PAGES, PAGES + 32));
        bus.reset();
        m.translate(pages);
        assertThat(bus.requests()).isEqualTo(1);
        assertThat(bus.reads()).as("the two runs that walk, not the source's").containsExactly(new Range(dstRun, RUN),
                new Range(dst2Run, RUN));
    }

    /** The batch as AtsService walked it before it prefetched: one burst, page after page. */
    private static List<Stage1Translator.Outcome> walkedOneAfterAnother(SmmuV3 smmu, List<AtsRequest> pages) {
        long fill = smmu.startFill();
        Stage1Context ctx = ((StreamConfig.Stage1) smmu.resolveForAts(SID, PASID, new CostMeter(), fill)).cd().ctx();
        List<Stage1Translator.Outcome> out = new ArrayList<>();
        try (DescriptorBurst burst = DescriptorBurst.open(pages.size())) {
            for (AtsRequest p : pages) {
                out.add(smmu.translateForAts(ctx, p.addr(), p.write(), false, new CostMeter(), fill));
            }
        }
        return out;
    }
}
