package org.svafabric.iommu.hw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.fixture.Structures;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.Gbpa;
import org.svafabric.iommu.hw.layout.L1Cd;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.walker.Access;
import org.svafabric.iommu.hw.walker.Stage1Translator;

/** The translation pipeline through the facade: STE -> substream -> CD -> walk, and the caches' maintenance. */
class SmmuV3Test {
    private static final int SID = 5;
    private static final int PASID = 3;
    private static final int ASID = 17;
    private static final long VA = 0x0000_7f00_0000_1000L;
    private static final long PA = 0x0020_0000L;

    private SmmuFixture f = new SmmuFixture();
    private PageTableBuilder pt = new PageTableBuilder(f.bus);

    private long boundStream() {
        long cdTable = f.stage1Stream(SID, 4);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(pt.pgd(), ASID));
        pt.mapUser(VA, PA, true, true, false, true, true);
        f.enable();
        return cdTable;
    }

    private Translation translate(int ssid, long va) {
        return f.smmu.translate(TransactionRequest.read(SID, ssid, va));
    }

    private static Translation.Fault fault(Translation t, EventType type) {
        assertThat(t).isInstanceOf(Translation.Fault.class);
        Translation.Fault fault = (Translation.Fault) t;
        assertThat(fault.event().type()).isEqualTo(type);
        return fault;
    }

    private static long pa(Translation t) {
        assertThat(t).isInstanceOf(Translation.Ok.class);
        return ((Translation.Ok) t).pa();
    }

    @Test
    void aBoundPasidTranslatesAndTheSecondTranslationHitsEveryCache() {
        boundStream();
        Translation first = translate(PASID, VA + 0x24);
        assertThat(pa(first)).isEqualTo(PA + 0x24);
        // Two configuration reads, the STE (linear table, steReads 1) and the CD; four descriptors.
        assertThat(first.cost()).isEqualTo(new Cost(false, false, false, false, 2, 4, 0, 1));
        Translation second = translate(PASID, VA + 0x28);
        assertThat(second.cost()).isEqualTo(Cost.TLB_HIT);
        assertThat(f.smmu.translateCached(SID, PASID, VA + 8, Access.READ)).isEqualTo(PA + 8);
        assertThat(f.smmu.streamStats().get(SID).translations()).isEqualTo(3);
        assertThat(f.smmu.streamStats().get(SID).tlbHits()).isEqualTo(2);
        assertThat(f.smmu.streamStats().get(SID).descriptorsRead()).isEqualTo(4);
    }

    @Test
    void theCachedPathMissesUntilEverythingIsCached() {
        boundStream();
        assertThat(f.smmu.translateCached(SID, PASID, VA, Access.READ)).isEqualTo(Stage1Translator.MISS);
        translate(PASID, VA);
        assertThat(f.smmu.translateCached(SID, PASID, VA, Access.WRITE)).isEqualTo(PA);
        assertThat(f.smmu.translateCached(SID, PASID, VA, Access.EXEC)).as("UXN page").isEqualTo(Stage1Translator.MISS);
        assertThat(f.smmu.translateCached(SID, 9, VA, Access.READ)).as("other PASID").isEqualTo(Stage1Translator.MISS);
    }

    @Test
    void aStreamIdBeyondTheStreamTableGivesCBadStreamidRecordedOnlyWithRecinvsid() {
        f.enable(0);
        Translation.Fault t = fault(f.smmu.translate(TransactionRequest.read(1 << SmmuFixture.LOG2_STREAMS, -1, VA)), EventType.C_BAD_STREAMID);
        assertThat(t.record()).isFalse();
        SmmuFixture g = new SmmuFixture();
        g.enable(Cr2.RECINVSID.mask());
        Translation.Fault recorded = fault(g.smmu.translate(TransactionRequest.read(1 << SmmuFixture.LOG2_STREAMS, -1, 0)), EventType.C_BAD_STREAMID);
        assertThat(recorded.record()).isTrue();
        assertThat(recorded.abort()).isTrue();
        assertThat(g.smmu.badStreamIds()).isEqualTo(1);
    }

    @Test
    void anSteWithVZeroGivesCBadSte() {
        f.enable();
        Translation.Fault t = fault(translate(-1, VA), EventType.C_BAD_STE);
        assertThat(t.detail()).isEqualTo("STE.V == 0");
        assertThat(t.event().sid()).isEqualTo(SID);
    }

    @Test
    void anIllegalSteGivesCBadSte() {
        f = new SmmuFixture(SmmuConfig.builder().stallModel(StallModel.STALL_FORCED).build());
        f.writeSte(SID, Structures.stage1Ste(f.allocCdTable(0), Ste.S1FMT_LINEAR, 0, 0, true, 0, 0));
        f.enable();
        assertThat(fault(translate(-1, VA), EventType.C_BAD_STE).detail()).contains("S1STALLD");
    }

    @Test
    void steConfigAbortTerminatesWithoutAnEvent() {
        f.writeSte(SID, Structures.abortSte());
        f.enable();
        assertThat(translate(-1, VA)).isInstanceOf(Translation.Aborted.class);
    }

    @Test
    void steConfigBypassPassesTheAddressThroughAndRefusesASubstreamId() {
        f.writeSte(SID, Structures.bypassSte());
        f.enable();
        assertThat(pa(translate(-1, 0x1234_5678L))).isEqualTo(0x1234_5678L);
        fault(translate(PASID, VA), EventType.C_BAD_SUBSTREAMID);
    }

    @Test
    void withSmmuenClearGbpaDecidesBetweenAbortAndBypass() {
        assertThat(translate(-1, VA)).isInstanceOf(Translation.Aborted.class);
        f.smmu.registers().write(SmmuReg.GBPA, Gbpa.UPDATE.mask());
        assertThat(pa(translate(-1, VA))).isEqualTo(VA);
    }

    @Test
    void aSubstreamIdBeyondS1CdMaxGivesCBadSubstreamid() {
        boundStream();
        Translation.Fault t = fault(translate(16, VA), EventType.C_BAD_SUBSTREAMID);
        assertThat(t.event().ssv()).isTrue();
        assertThat(t.event().ssid()).isEqualTo(16);
    }

    @Test
    void aSubstreamIdWhileSubstreamsAreDisabledGivesCBadSubstreamid() {
        long cd = f.allocCdTable(0);
        f.writeSte(SID, Structures.stage1Ste(cd, Ste.S1FMT_LINEAR, 0, 0, false, 0, 0));
        f.writeCd(cd, 0, SmmuFixture.svaCd(pt.pgd(), ASID));
        pt.mapUser(VA, PA, true, false, false, true, false);
        f.enable();
        fault(translate(1, VA), EventType.C_BAD_SUBSTREAMID);
        assertThat(pa(translate(-1, VA))).as("without SubstreamID: the single CD").isEqualTo(PA);
    }

    @Test
    void transactionsWithoutSubstreamIdFollowS1Dss() {
        long cdTable = f.allocCdTable(4);
        f.writeCd(cdTable, 0, SmmuFixture.svaCd(pt.pgd(), ASID));
        pt.mapUser(VA, PA, true, false, false, true, false);
        f.writeSte(1, Structures.stage1Ste(cdTable, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_TERMINATE, false, 0, 0));
        f.writeSte(2, Structures.stage1Ste(cdTable, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_BYPASS, false, 0, 0));
        f.writeSte(3, Structures.stage1Ste(cdTable, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_SSID0, false, 0, 0));
        f.enable();
        fault(f.smmu.translate(TransactionRequest.read(1, -1, VA)), EventType.F_STREAM_DISABLED);
        assertThat(pa(f.smmu.translate(TransactionRequest.read(2, -1, VA)))).isEqualTo(VA);
        assertThat(pa(f.smmu.translate(TransactionRequest.read(3, -1, VA)))).isEqualTo(PA);
        fault(f.smmu.translate(TransactionRequest.read(3, 0, VA)), EventType.F_STREAM_DISABLED);
        assertThat(pa(f.smmu.translate(TransactionRequest.read(1, 0, VA)))).as("SSID 0 is usable unless S1DSS = SSID0").isEqualTo(PA);
    }

    @Test
    void aCdWithVZeroGivesCBadCd() {
        long cdTable = boundStream();
        fault(translate(PASID + 1, VA), EventType.C_BAD_CD);
        f.writeCd(cdTable, PASID + 1, SmmuFixture.svaCd(pt.pgd(), ASID + 1));
        assertThat(pa(translate(PASID + 1, VA))).as("invalid CDs are not cached: V = 1 is seen at once").isEqualTo(PA);
    }

    @Test
    void anIllegalCdGivesCBadCd() {
        long cdTable = boundStream();
        f.writeCd(cdTable, 7, SmmuFixture.svaCd(pt.pgd(), ASID).with(Cd.AA64, false));
        assertThat(fault(translate(7, VA), EventType.C_BAD_CD).detail()).contains("AA64");
        f.writeCd(cdTable, 8, SmmuFixture.svaCd(pt.pgd(), ASID).with(Cd.T0SZ, 12));
        assertThat(fault(translate(8, VA), EventType.C_BAD_CD).detail()).contains("T0SZ");
    }

    @Test
    void aTwoLevelCdTableWithoutItsLeafGivesCBadSubstreamid() {
        long l1 = f.bus.allocKernelPages("l1", 1);
        long l2 = f.bus.allocKernelPages("l2", 32);
        l2 = (l2 + 0xffff) & ~0xffffL;
        f.bus.write64(l1, L1Cd.encode(l2));
        f.bus.write(l2 + PASID * 64, Words.toBytes(SmmuFixture.svaCd(pt.pgd(), ASID).words()));
        f.writeSte(SID, Structures.stage1Ste(l1, Ste.S1FMT_64K_L2, 16, Ste.S1DSS_SSID0, false, 0, 0));
        pt.mapUser(VA, PA, true, false, false, true, false);
        f.enable();
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);
        fault(translate((1 << 10) | PASID, VA), EventType.C_BAD_SUBSTREAMID);
    }

    @Test
    void faultConfigurationDecidesRecordAbortAndStall() {
        long cdTable = boundStream();
        f.writeCd(cdTable, 1, SmmuFixture.svaCd(pt.pgd(), ASID).with(Cd.A, false).with(Cd.R, false).with(Cd.S, false));
        f.writeCd(cdTable, 2, SmmuFixture.svaCd(pt.pgd(), ASID).with(Cd.A, true).with(Cd.R, true).with(Cd.S, true));
        long unmapped = VA + 0x10_0000;
        Translation.Fault silentRazWi = fault(translate(1, unmapped), EventType.F_TRANSLATION);
        assertThat(silentRazWi.record()).isFalse();
        assertThat(silentRazWi.abort()).isFalse();
        assertThat(silentRazWi.stall()).isFalse();
        Translation.Fault stall = fault(translate(2, unmapped), EventType.F_TRANSLATION);
        assertThat(stall.stall()).isTrue();
        assertThat(stall.event().inputAddr()).isEqualTo(unmapped);
        assertThat(stall.event().rnw()).isTrue();
        // IHI 0070 §7.3.13: CLASS = IN (0b10) for a stage-1 F_TRANSLATION; this test used to expect TT (0b01).
        assertThat(stall.event().clss()).isEqualTo(Event.CLASS_IN);
        Translation.Fault normal = fault(translate(PASID, unmapped), EventType.F_TRANSLATION);
        assertThat(normal.record()).isTrue();
        assertThat(normal.abort()).isTrue();
        assertThat(normal.stall()).isFalse();
    }

    @Test
    void anExternalAbortOnTheWalkIgnoresTheFaultConfiguration() {
        long cdTable = boundStream();
        f.writeCd(cdTable, 1, SmmuFixture.svaCd(f.bus.size(), ASID).with(Cd.A, false).with(Cd.R, false).with(Cd.S, true));
        Translation.Fault t = fault(translate(1, VA), EventType.F_WALK_EABT);
        assertThat(t.stall()).isFalse();
        assertThat(t.record()).isTrue();
        assertThat(t.abort()).isTrue();
        assertThat(t.event().fetchAddr()).as("the level-0 descriptor").isEqualTo(f.bus.size() + 8L * Vmsa.index(VA, 0));
        assertThat(t.event().clss()).as("§7.3.13: TT with S2 = 0 is F_WALK_EABT only").isEqualTo(Event.CLASS_TT);
    }

    @Test
    void aDriverThatRewritesACdWithoutCfgiCdSeesTheOldConfiguration() {
        long cdTable = boundStream();
        PageTableBuilder other = new PageTableBuilder(f.bus);
        other.mapUser(VA, PA + 0x5000, true, false, false, true, false);
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(other.pgd(), ASID + 1));
        f.smmu.invalidateTlb(TlbInvalidation.asid(Regime.NH, ASID));
        assertThat(pa(translate(PASID, VA))).as("stale CD: still the old TTB0").isEqualTo(PA);
        f.smmu.invalidateCd(SID, PASID);
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0x5000);
    }

    @Test
    void aDriverThatRewritesAnSteWithoutCfgiSteSeesTheOldOne() {
        boundStream();
        translate(PASID, VA);
        f.writeSte(SID, Structures.abortSte());
        assertThat(translate(PASID, VA)).isInstanceOf(Translation.Ok.class);
        f.smmu.invalidateSte(SID, 0);
        assertThat(translate(PASID, VA)).isInstanceOf(Translation.Aborted.class);
    }

    @Test
    void cfgiSteAlsoDropsTheStreamsCdsAndCfgiAllDropsEverything() {
        long cdTable = boundStream();
        PageTableBuilder other = new PageTableBuilder(f.bus);
        other.mapUser(VA, PA + 0x7000, true, false, false, true, false);
        translate(PASID, VA);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(other.pgd(), ASID + 2));
        f.smmu.invalidateSte(SID & ~1, 1); // CFGI_STE_RANGE covering SIDs 4-5
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0x7000);
        f.writeSte(SID, Structures.bypassSte());
        f.smmu.invalidateSte(0, 31);
        assertThat(pa(translate(-1, VA))).isEqualTo(VA);
    }

    @Test
    void cfgiCdAllDropsEveryCdOfTheStreamOnly() {
        long cdTable = boundStream();
        translate(PASID, VA);
        f.writeCd(cdTable, PASID, Cd.INVALID);
        f.smmu.invalidateCd(SID + 1, -1);
        assertThat(translate(PASID, VA)).isInstanceOf(Translation.Ok.class);
        f.smmu.invalidateCd(SID, -1);
        fault(translate(PASID, VA), EventType.C_BAD_CD);
    }

    /** A bus that runs {@code hook} once, right after a read of {@code at} returned its (old) bytes. */
    private static final class HookedBus extends LocalMemoryBus {
        volatile long at = -1;
        volatile Runnable hook;

        @Override
        public byte[] read(long pa, int length) {
            byte[] b = super.read(pa, length);
            Runnable h = hook;
            if (pa == at && h != null) {
                hook = null;
                h.run();
            }
            return b;
        }
    }

    @Test
    void aTranslationThatReadTheCdBeforeItsReplacementFillsNothingUnderTheReusedAsid() {
        HookedBus bus = new HookedBus();
        f = new SmmuFixture(SmmuConfig.defaults(), bus);
        PageTableBuilder a = new PageTableBuilder(bus);
        PageTableBuilder b = new PageTableBuilder(bus);
        a.mapUser(VA, PA, true, false, false, true, false);
        b.mapUser(VA, PA + 0xa000, true, false, false, true, false);
        long cdTable = f.stage1Stream(SID, 4);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(a.pgd(), ASID));
        f.enable();
        // While the translation holds the CD it fetched, the driver retires the address space and gives its
        // ASID to another: CD invalid + CFGI_CD + TLBI ASID, then the new CD + CFGI_CD.
        bus.at = cdTable + PASID * 64L;
        bus.hook = () -> {
            f.writeCd(cdTable, PASID, Cd.INVALID);
            f.smmu.invalidateCd(SID, PASID);
            f.smmu.invalidateTlb(TlbInvalidation.asid(Regime.NH, ASID));
            f.writeCd(cdTable, PASID, SmmuFixture.svaCd(b.pgd(), ASID));
            f.smmu.invalidateCd(SID, PASID);
        };
        assertThat(pa(translate(PASID, VA))).as("in flight across the change: the old mapping is allowed").isEqualTo(PA);
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0xa000);
    }

    @Test
    void aChangedPageTableIsStaleUntilTlbiByVaAndFreshAfter() {
        boundStream();
        translate(PASID, VA);
        pt.setLeaf(VA, Pte.userPage(PA + 0x9000, true, true, false, true, true));
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, ASID + 1, VA, true));
        assertThat(pa(translate(PASID, VA))).as("TLBI of another ASID").isEqualTo(PA);
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, ASID, VA, true));
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0x9000);
    }

    @Test
    void anEl2StreamTagsItsTranslationsForTheEl2Regime() {
        f = new SmmuFixture(SmmuConfig.builder().hyp(true).build());
        pt = new PageTableBuilder(f.bus);
        long cd = f.allocCdTable(4);
        f.writeSte(SID, Structures.stage1Ste(cd, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_SSID0, false, 0, Ste.STRW_EL2));
        f.writeCd(cd, PASID, SmmuFixture.svaCd(pt.pgd(), ASID));
        pt.mapUser(VA, PA, true, false, false, true, false);
        f.enable(Cr2.E2H.mask());
        translate(PASID, VA);
        pt.setLeaf(VA, Pte.userPage(PA + 0x3000, true, false, false, true, false));
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, ASID, VA, true));
        assertThat(pa(translate(PASID, VA))).as("an NH form does not touch EL2 entries").isEqualTo(PA);
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.EL2, ASID, VA, true));
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0x3000);
    }

    /**
     * IHI 0070 §5.2: STE.STRW = EL2 with SMMU_CR2.E2H = 0 is the NS-EL2 StreamWorld, a legal configuration.
     * This test used to expect C_BAD_STE. The EL2 regime has no ASIDs: the CD's ASID does not tag the entries,
     * and the EL2 forms of TLBI reach them while the NH forms do not.
     */
    @Test
    void ihi0070s52_anEl2SteWithoutE2hIsTheNsEl2StreamWorld() {
        f = new SmmuFixture(SmmuConfig.builder().hyp(true).build());
        pt = new PageTableBuilder(f.bus);
        long cd = f.allocCdTable(4);
        f.writeSte(SID, Structures.stage1Ste(cd, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_SSID0, false, 0, Ste.STRW_EL2));
        f.writeCd(cd, PASID, SmmuFixture.svaCd(pt.pgd(), ASID));
        pt.mapUser(VA, PA, true, false, false, true, false);
        f.enable(0);
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);
        pt.setLeaf(VA, Pte.userPage(PA + 0x3000, true, false, false, true, false));
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.NH, 0, VA, true));
        assertThat(pa(translate(PASID, VA))).as("an NH form does not touch EL2 entries").isEqualTo(PA);
        f.smmu.invalidateTlb(TlbInvalidation.va(Regime.EL2, 0, VA, true));
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA + 0x3000);
    }

    @Test
    void broadcastTlbiAppliesOnlyWithBtmAndPtmClear() {
        boundStream();
        translate(PASID, VA);
        pt.setLeaf(VA, Pte.userPage(PA + 0x2000, true, true, false, true, true));
        assertThat(f.smmu.broadcastTlbi(TlbInvalidation.va(Regime.NH, ASID, VA, true))).as("no BTM").isFalse();
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);

        SmmuFixture btm = new SmmuFixture(SmmuConfig.builder().btm(true).build());
        PageTableBuilder p = new PageTableBuilder(btm.bus);
        long cd = btm.stage1Stream(SID, 4);
        btm.writeCd(cd, 1, SmmuFixture.svaCd(p.pgd(), ASID));
        btm.writeCd(cd, 2, SmmuFixture.svaCd(p.pgd(), ASID + 1).with(Cd.ASET, true));
        p.mapUser(VA, PA, true, true, false, true, true);
        btm.enable(Cr2.PTM.mask());
        btm.smmu.translate(TransactionRequest.read(SID, 1, VA));
        assertThat(btm.smmu.broadcastTlbi(TlbInvalidation.asid(Regime.NH, ASID))).as("PTM = 1").isFalse();

        btm.smmu.registers().write(SmmuReg.CR0, 0);
        btm.enable(0);
        btm.smmu.translate(TransactionRequest.read(SID, 2, VA));
        p.setLeaf(VA, Pte.userPage(PA + 0x2000, true, true, false, true, true));
        assertThat(btm.smmu.broadcastTlbi(TlbInvalidation.asid(Regime.NH, ASID))).isTrue();
        assertThat(pa(btm.smmu.translate(TransactionRequest.read(SID, 1, VA)))).isEqualTo(PA + 0x2000);
        assertThat(btm.smmu.broadcastTlbi(TlbInvalidation.asid(Regime.NH, ASID + 1))).isTrue();
        assertThat(pa(btm.smmu.translate(TransactionRequest.read(SID, 2, VA)))).as("ASET = 1: not shared with the CPU").isEqualTo(PA);
    }

    /** The CPU's range flush: one TLBI VAE1IS per page, then one DSB; every page's entry goes, counted per TLBI. */
    @Test
    void aRunOfBroadcastTlbisRemovesEveryPageAndCountsEach() {
        SmmuFixture btm = new SmmuFixture(SmmuConfig.builder().btm(true).build());
        PageTableBuilder p = new PageTableBuilder(btm.bus);
        long cd = btm.stage1Stream(SID, 4);
        btm.writeCd(cd, 1, SmmuFixture.svaCd(p.pgd(), ASID));
        for (int i = 0; i < 3; i++) {
            p.mapUser(VA + i * 0x1000L, PA + i * 0x1000L, true, true, false, true, true);
        }
        btm.enable(0);
        for (int i = 0; i < 3; i++) {
            btm.smmu.translate(TransactionRequest.read(SID, 1, VA + i * 0x1000L));
            p.setLeaf(VA + i * 0x1000L, Pte.userPage(PA + 0x10000 + i * 0x1000L, true, true, false, true, true));
        }
        long applied = btm.smmu.broadcastsApplied();
        java.util.List<TlbInvalidation> run = java.util.List.of(TlbInvalidation.va(Regime.NH, ASID, VA, false),
                TlbInvalidation.va(Regime.NH, ASID, VA + 0x1000, false), TlbInvalidation.va(Regime.NH, ASID, VA + 0x2000, false));
        assertThat(btm.smmu.broadcastTlbis(run)).isEqualTo(3);
        assertThat(btm.smmu.broadcastsApplied() - applied).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(pa(btm.smmu.translate(TransactionRequest.read(SID, 1, VA + i * 0x1000L))))
                    .as("page " + i + " walked afresh").isEqualTo(PA + 0x10000 + i * 0x1000L);
        }
        assertThat(f.smmu.broadcastTlbis(run)).as("no BTM: none applied").isZero();
    }

    @Test
    void prefetchConfigLoadsTheConfigurationCache() {
        boundStream();
        f.smmu.prefetchConfig(SID, PASID);
        Translation t = translate(PASID, VA);
        assertThat(t.cost().steCached()).isTrue();
        assertThat(t.cost().cdCached()).isTrue();
        assertThat(t.cost().configReads()).isZero();
    }

    @Test
    void pparIsReadFromALegalSte() {
        f.writeSte(SID, Structures.bypassSte().with(Ste.PPAR, true));
        f.writeSte(SID + 1, Ste.INVALID);
        assertThat(f.smmu.ppar(SID)).as("SMMUEN == 0").isEmpty();
        f.enable();
        assertThat(f.smmu.ppar(SID)).contains(true);
        assertThat(f.smmu.ppar(SID + 1)).isEmpty();
        assertThat(f.smmu.ppar(1 << 12)).isEmpty();
    }

    @Test
    void disablingTheSmmuStopsTranslationAndReenablingLatchesNewRegisters() {
        boundStream();
        f.smmu.registers().write(SmmuReg.CR0, 0);
        assertThat(f.smmu.enabled()).isFalse();
        assertThat(translate(PASID, VA)).isInstanceOf(Translation.Aborted.class);
        f.smmu.registers().write(SmmuReg.CR0, Cr0.SMMUEN.mask());
        assertThat(pa(translate(PASID, VA))).isEqualTo(PA);
    }
}
