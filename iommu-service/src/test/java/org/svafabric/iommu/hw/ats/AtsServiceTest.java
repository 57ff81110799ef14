package org.svafabric.iommu.hw.ats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.fixture.Structures;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.EventRecord;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.regs.SmmuConfig;


/** ATS Translation Requests and their completions (IHI 0070 §3.9.1.2, §13.7). */
class AtsServiceTest {
    private static final int SID = 9;
    private static final int PASID = 2;
    private static final long VA = 0x0000_5555_0000_0000L;
    private static final long PA = 0x0030_0000L;

    private final SmmuFixture f = new SmmuFixture();
    private final PageTableBuilder pt = new PageTableBuilder(f.bus);
    private final List<Event> events = new ArrayList<>();
    private final AtsService ats = new AtsService(f.smmu, e -> events.add(e));
    private long cdTable;

    private void bind(long cr2) {
        cdTable = f.stage1Stream(SID, 4);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(pt.pgd(), 11));
        f.enable(cr2);
    }

    private AtsCompletion one(int ssid, AtsRequest r) {
        return ats.translate(SID, ssid, List.of(r)).get(0);
    }

    private static AtsRequest read(long va) {
        return new AtsRequest(va, false, false, false);
    }

    private static AtsRequest write(long va) {
        return new AtsRequest(va, true, false, false);
    }

    @Test
    void aBatchOfMappedPagesTranslatesWithTheirPermissions() {
        pt.mapUser(VA, PA, true, true, false, true, true);
        pt.mapUser(VA + 0x1000, PA + 0x5000, true, false, false, true, false);
        bind(0);
        List<AtsCompletion> out = ats.translate(SID, PASID, List.of(write(VA), write(VA + 0x1000), read(VA + 0x2000)));
        assertThat(out.get(0)).isEqualTo(AtsCompletion.granted(VA, PA, 12, true, true, false, false));
        assertThat(out.get(1)).as("read-only page: W not granted, not a fault")
                .isEqualTo(AtsCompletion.granted(VA + 0x1000, PA + 0x5000, 12, true, false, false, false));
        assertThat(out.get(2).noTranslation()).as("not mapped: R = W = 0").isTrue();
        assertThat(out.get(2).status()).isEqualTo(AtsStatus.NO_TRANSLATION);
        assertThat(events).as("ATS translation failures are never recorded").isEmpty();
    }

    @Test
    void theBatchsWorkCountsConfigurationReadsWalksAndTlbHits() {
        pt.mapUser(VA, PA, true, true, false, true, true);
        pt.mapUser(VA + 0x1000, PA + 0x5000, true, true, false, true, true);
        bind(0);
        TranslationWork cold = new TranslationWork();
        ats.translate(SID, PASID, List.of(read(VA), read(VA + 0x1000)), cold);
        // The stream's STE and the PASID's CD are fetched once for the batch; both pages are walked.
        assertThat(cold.steReads()).isPositive();
        assertThat(cold.cdReads()).isPositive();
        assertThat(cold.walks()).isEqualTo(2);
        assertThat(cold.walkReads()).isPositive();
        assertThat(cold.tlbHits()).isZero();

        TranslationWork warm = new TranslationWork();
        ats.translate(SID, PASID, List.of(read(VA), read(VA + 0x1000)), warm);
        assertThat(warm.tlbHits()).as("both now in the TLB").isEqualTo(2);
        assertThat(warm.walks()).isZero();
        assertThat(warm.steReads() + warm.cdReads()).as("configuration cached").isZero();
    }

    @Test
    void aRequestWithoutNoWriteMarksAWritableCleanPageDirtyAndOneWithItDoesNot() {
        pt.mapUser(VA, PA, true, true, false, false, false);
        bind(0);
        AtsCompletion r = one(PASID, read(VA));
        assertThat(r.read()).isTrue();
        assertThat(r.write()).as("writable-clean, NW = 1: no W").isFalse();
        assertThat(Pte.AF.isSet(pt.leaf(VA))).as("AF set because something was granted").isTrue();
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isFalse();
        AtsCompletion w = one(PASID, write(VA));
        assertThat(w.write()).isTrue();
        assertThat(Pte.isDirty(pt.leaf(VA))).isTrue();
    }

    @Test
    void withoutHttuAWritableCleanPageIsGrantedReadOnlyAndAnAfZeroPageNothing() {
        pt.mapUser(VA, PA, true, true, false, true, false);
        pt.mapUser(VA + 0x1000, PA, true, true, false, false, false);
        cdTable = f.stage1Stream(SID, 4);
        f.writeCd(cdTable, PASID, Structures.sharedCd(pt.pgd(), 11, 0b101, false, false, false, 0));
        f.enable(0);
        AtsCompletion w = one(PASID, write(VA));
        assertThat(w.read()).isTrue();
        assertThat(w.write()).isFalse();
        assertThat(one(PASID, read(VA + 0x1000)).noTranslation()).as("Access fault: R = W = 0").isTrue();
    }

    @Test
    void privAndExecNeedAPasidAndExecIsGrantedOnlyIfRequestedReadableAndExecutable() {
        long d = Pte.userPage(PA, true, false, true, true, false);
        pt.map(VA, d);
        long privOnly = Pte.AP_USER.with(Pte.PXN.with(d, false), false);
        pt.map(VA + 0x1000, privOnly);
        cdTable = f.stage1Stream(SID, 4);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(pt.pgd(), 11));
        f.writeCd(cdTable, 0, SmmuFixture.svaCd(pt.pgd(), 11));
        f.enable(0);
        assertThat(one(PASID, new AtsRequest(VA, false, true, false)).exec()).isTrue();
        assertThat(one(PASID, new AtsRequest(VA, false, false, false)).exec()).as("not requested").isFalse();
        assertThat(one(PASID, new AtsRequest(VA + 0x1000, false, false, false)).noTranslation()).as("privileged-only page").isTrue();
        AtsCompletion priv = one(PASID, new AtsRequest(VA + 0x1000, false, true, true));
        assertThat(priv.read()).isTrue();
        assertThat(priv.exec()).isTrue();
        assertThat(priv.priv()).isTrue();
        AtsCompletion noPasid = one(-1, new AtsRequest(VA + 0x1000, false, true, true));
        assertThat(noPasid.priv()).as("no PASID prefix: Priv and Exe are 0").isFalse();
        assertThat(noPasid.noTranslation()).isTrue();
    }

    @Test
    void eatsZeroGivesUnsupportedRequestAndFBadAtsTreq() {
        f.writeSte(SID, Structures.stage1Ste(f.allocCdTable(0), Ste.S1FMT_LINEAR, 0, 0, false, Ste.EATS_ABT, 0));
        f.enable(0);
        AtsCompletion c = one(-1, read(VA));
        assertThat(c.status()).isEqualTo(AtsStatus.UNSUPPORTED_REQUEST);
        assertThat(events).extracting(Event::type).containsExactly(EventType.F_BAD_ATS_TREQ);
    }

    @Test
    void aBypassStreamGivesUnsupportedRequestAndFBadAtsTreq() {
        f.writeSte(SID, Structures.bypassSte().with(Ste.EATS, Ste.EATS_TRANS));
        f.enable(0);
        assertThat(one(-1, read(VA)).status()).isEqualTo(AtsStatus.UNSUPPORTED_REQUEST);
        assertThat(events).extracting(Event::type).containsExactly(EventType.F_BAD_ATS_TREQ);
    }

    @Test
    void anAbortStreamGivesUnsupportedRequestWithoutEvent() {
        f.writeSte(SID, Structures.abortSte());
        f.enable(0);
        assertThat(one(-1, read(VA)).status()).isEqualTo(AtsStatus.UNSUPPORTED_REQUEST);
        assertThat(events).isEmpty();
    }

    @Test
    void smmuDisabledGivesUnsupportedRequestAndFBadAtsTreq() {
        assertThat(one(-1, read(VA)).status()).isEqualTo(AtsStatus.UNSUPPORTED_REQUEST);
        assertThat(events).extracting(Event::type).containsExactly(EventType.F_BAD_ATS_TREQ);
    }

    /**
     * IHI 0070 §7.3.6: the record says what was asked — R (always 1), W = !NW, X and PRIV (from the PASID
     * prefix) and Span, the STUs requested — at the request's address, so a refused request can be debugged.
     */
    @Test
    void ihi0070s736_fBadAtsTreqRecordsTheRequestsPermissionsAndSpan() {
        f.writeSte(SID, Structures.stage1Ste(f.allocCdTable(0), Ste.S1FMT_LINEAR, 0, 0, false, Ste.EATS_ABT, 0));
        f.enable(0);
        ats.translate(SID, -1, List.of(new AtsRequest(VA + 0x123, false, false, false),
                new AtsRequest(VA + 0x1000, true, true, true), new AtsRequest(VA + 0x2000, false, false, false)));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.F_BAD_ATS_TREQ);
            assertThat(e.inputAddr()).isEqualTo(VA);
            assertThat(e.atsTreq()).as("no PASID prefix: X and PRIV are 0").isEqualTo(new Event.AtsTreq(true, true, false, false, 3));
            long[] record = EventRecord.encode(e);
            assertThat(EventRecord.ATS_SPAN.get(record)).isEqualTo(3);
            assertThat(EventRecord.ATS_W.isSet(record)).isTrue();
            assertThat(EventRecord.ATS_R.isSet(record)).isTrue();
        });
    }

    @Test
    void configurationErrorsGiveCompleterAbortRecordedOnlyWithRecCfgAts() {
        bind(0);
        AtsCompletion c = one(PASID + 1, read(VA));
        assertThat(c.status()).isEqualTo(AtsStatus.COMPLETER_ABORT);
        assertThat(c.event()).isEqualTo(EventType.C_BAD_CD.name());
        assertThat(one(20, read(VA)).event()).isEqualTo(EventType.C_BAD_SUBSTREAMID.name());
        assertThat(events).isEmpty();

        SmmuFixture g = new SmmuFixture();
        List<Event> recorded = new ArrayList<>();
        AtsService a = new AtsService(g.smmu, e -> recorded.add(e));
        g.stage1Stream(SID, 4);
        g.enable(Cr2.REC_CFG_ATS.mask());
        assertThat(a.translate(SID, PASID, List.of(read(VA))).get(0).status()).isEqualTo(AtsStatus.COMPLETER_ABORT);
        assertThat(a.translate(SID + 1, PASID, List.of(read(VA))).get(0).status()).as("STE.V = 0").isEqualTo(AtsStatus.COMPLETER_ABORT);
        assertThat(a.translate(1 << 12, PASID, List.of(read(VA))).get(0).status()).isEqualTo(AtsStatus.COMPLETER_ABORT);
        assertThat(recorded).as("C_BAD_CD; never for STE.V = 0; C_BAD_STREAMID needs RECINVSID too")
                .extracting(Event::type).containsExactly(EventType.C_BAD_CD);
    }

    @Test
    void s1DssBypassGivesAnIdentityTranslation() {
        f.writeSte(SID, Structures.stage1Ste(f.allocCdTable(4), Ste.S1FMT_LINEAR, 4, Ste.S1DSS_BYPASS, false, Ste.EATS_TRANS, 0));
        f.enable(0);
        assertThat(one(-1, write(VA + 0x123))).isEqualTo(AtsCompletion.granted(VA + 0x123, VA, 12, true, true, false, false));
    }

    @Test
    void anSmmuWithoutAtsRefusesEveryRequestSilently() {
        SmmuFixture g = new SmmuFixture(SmmuConfig.builder().ats(false).pri(false).build());
        g.enable();
        List<Event> recorded = new ArrayList<>();
        AtsCompletion c = new AtsService(g.smmu, e -> recorded.add(e)).translate(SID, -1, List.of(read(VA))).get(0);
        assertThat(c.status()).isEqualTo(AtsStatus.UNSUPPORTED_REQUEST);
        assertThat(recorded).isEmpty();
    }

    @Test
    void aBlockIsReturnedWithItsSize() {
        pt.mapBlock(0x4000_0000L, 2, Pte.TYPE.with(Pte.userPage(0x0060_0000L, true, true, false, true, true), false));
        bind(0);
        AtsCompletion c = one(PASID, write(0x4001_2000L));
        assertThat(c.pa().value()).as("the Translated Address: the block's base").isEqualTo(0x0060_0000L);
        assertThat(c.pagePa()).isEqualTo(0x0061_2000L);
        assertThat(c.sizeShift()).isEqualTo(21);
    }

    @Test
    void atsRequestsAreCountedPerStream() {
        pt.mapUser(VA, PA, true, true, false, true, true);
        bind(0);
        ats.translate(SID, PASID, List.of(read(VA), read(VA)));
        assertThat(f.smmu.streamStats().get(SID).atsRequests()).isEqualTo(2);
        assertThat(f.smmu.streamStats().get(SID).tlbHits()).isEqualTo(1);
    }
}
