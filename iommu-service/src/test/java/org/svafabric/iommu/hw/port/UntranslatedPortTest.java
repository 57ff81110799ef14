package org.svafabric.iommu.hw.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.fixture.SmmuFixture;
import org.svafabric.iommu.hw.stall.StallHold;
import org.svafabric.iommu.hw.layout.Cd;

/** Untranslated DMA through the SMMU: data, fault termination (abort or RAZ/WI) and stalls. */
class UntranslatedPortTest {
    private static final int SID = 3;
    private static final int PASID = 1;
    private static final long VA = 0x0000_0040_0000_0000L;
    private static final long PA = 0x0040_0000L;

    /** Holds stalls until the test answers them; STAGs count from 1. */
    private static final class FakeStallHold implements StallHold {
        final List<Event> held = new ArrayList<>();
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>();

        @Override
        public synchronized CompletionStage<Boolean> hold(Event fault) {
            held.add(fault.stalled(held.size() + 1));
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }
    }

    private final SmmuFixture f = new SmmuFixture();
    private final PageTableBuilder pt = new PageTableBuilder(f.bus);
    private final List<Event> events = new ArrayList<>();
    private final FakeStallHold stalls = new FakeStallHold();
    private final UntranslatedPort port = new UntranslatedPort(f.smmu, stalls, e -> events.add(e), Runnable::run);
    private long cdTable;

    private void bind(boolean a, boolean r, boolean s) {
        cdTable = f.stage1Stream(SID, 2);
        f.writeCd(cdTable, PASID, SmmuFixture.svaCd(pt.pgd(), 4).with(Cd.A, a).with(Cd.R, r).with(Cd.S, s));
        f.enable();
    }

    private List<DmaResult> run(DmaAccess... accesses) throws Exception {
        return port.submit(SID, PASID, List.of(accesses)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aWriteAcrossTwoPagesLandsInBothFramesAndReadsBack() throws Exception {
        pt.mapUser(VA, PA, true, true, false, true, true);
        pt.mapUser(VA + 0x1000, PA + 0x8000, true, true, false, true, true);
        bind(true, true, false);
        byte[] data = "hello, shared virtual addressing".getBytes(StandardCharsets.US_ASCII);
        List<DmaResult> w = run(DmaAccess.write(VA + 0x1000 - 10, data));
        assertThat(w.get(0)).isInstanceOf(DmaResult.Done.class);
        assertThat(new String(f.bus.read(PA + 0x1000 - 10, 10), StandardCharsets.US_ASCII)).isEqualTo("hello, sha");
        assertThat(new String(f.bus.read(PA + 0x8000, data.length - 10), StandardCharsets.US_ASCII)).isEqualTo("red virtual addressing");
        DmaResult r = run(DmaAccess.read(VA + 0x1000 - 10, data.length)).get(0);
        assertThat(((DmaResult.Done) r).data()).isEqualTo(data);
    }

    @Test
    void aTranslationFaultAbortsAndIsRecorded() throws Exception {
        pt.mapUser(VA, PA, true, true, false, true, true);
        bind(true, true, false);
        List<DmaResult> out = run(DmaAccess.write(VA + 0xff0, new byte[32]), DmaAccess.read(VA, 4));
        DmaResult.Aborted a = (DmaResult.Aborted) out.get(0);
        assertThat(a.va()).isEqualTo(VA + 0x1000);
        assertThat(a.bytesDone()).isEqualTo(16);
        assertThat(a.event().type()).isEqualTo(EventType.F_TRANSLATION);
        assertThat(events).extracting(Event::type).containsExactly(EventType.F_TRANSLATION);
        assertThat(events.get(0).rnw()).isFalse();
        assertThat(out.get(1)).as("the next access of the batch goes on").isInstanceOf(DmaResult.Done.class);
    }

    @Test
    void withCdAZeroAFaultingPageReadsAsZeroAndIgnoresWrites() throws Exception {
        pt.mapUser(VA, PA, true, true, false, true, true);
        f.bus.write(PA, new byte[]{1, 2, 3, 4});
        bind(false, false, false);
        DmaResult.Done r = (DmaResult.Done) run(DmaAccess.read(VA + 0xffc, 8)).get(0);
        assertThat(r.razWiBytes()).isEqualTo(4);
        assertThat(r.data()).hasSize(8);
        assertThat(events).as("CD.R = 0").isEmpty();
        DmaResult.Done w = (DmaResult.Done) run(DmaAccess.write(VA + 0x1000, new byte[]{9})).get(0);
        assertThat(w.razWiBytes()).isEqualTo(1);
    }

    @Test
    void aStalledWriteIsRetriedAfterTheFaultIsResolved() throws Exception {
        bind(true, true, true);
        CompletionStage<List<DmaResult>> pending = port.submit(SID, PASID, List.of(DmaAccess.write(VA + 8, new byte[]{42})));
        assertThat(pending.toCompletableFuture()).isNotDone();
        assertThat(stalls.held).hasSize(1);
        Event held = stalls.held.get(0);
        assertThat(held.type()).isEqualTo(EventType.F_TRANSLATION);
        assertThat(held.stall()).isTrue();
        assertThat(held.inputAddr()).isEqualTo(VA + 8);
        assertThat(events).as("the stall table records it, not the port").isEmpty();
        pt.mapUser(VA, PA, true, true, false, true, true); // the IOPF handler makes the page present
        stalls.pending.get(0).complete(true);
        assertThat(pending.toCompletableFuture().get(5, TimeUnit.SECONDS).get(0)).isInstanceOf(DmaResult.Done.class);
        assertThat(f.bus.read(PA + 8, 1)[0]).isEqualTo((byte) 42);
    }

    @Test
    void aStalledTransactionThatSoftwareAbortsFailsWithTheEvent() throws Exception {
        bind(true, true, true);
        CompletionStage<List<DmaResult>> pending = port.submit(SID, PASID, List.of(DmaAccess.read(VA, 4)));
        stalls.pending.get(0).complete(false);
        DmaResult.Aborted a = (DmaResult.Aborted) pending.toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
        assertThat(a.event().type()).isEqualTo(EventType.F_TRANSLATION);
    }

    @Test
    void aRetryThatFaultsAgainStallsAgain() throws Exception {
        bind(true, true, true);
        CompletionStage<List<DmaResult>> pending = port.submit(SID, PASID, List.of(DmaAccess.read(VA, 4)));
        stalls.pending.get(0).complete(true);
        assertThat(stalls.held).hasSize(2);
        pt.map(VA, Pte.userPage(PA, true, false, false, true, false));
        stalls.pending.get(1).complete(true);
        assertThat(pending.toCompletableFuture().get(5, TimeUnit.SECONDS).get(0)).isInstanceOf(DmaResult.Done.class);
    }

    @Test
    void aConfigurationErrorAbortsEvenWithStallConfigured() throws Exception {
        bind(true, true, true);
        List<DmaResult> out = port.submit(SID, 3, List.of(DmaAccess.read(VA, 4))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(((DmaResult.Aborted) out.get(0)).event().type()).isEqualTo(EventType.C_BAD_CD);
        assertThat(stalls.held).isEmpty();
        assertThat(events).extracting(Event::type).containsExactly(EventType.C_BAD_CD);
    }
}
