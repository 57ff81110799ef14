package org.svafabric.iommu.hw.cmd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.queue.RamRing;
import org.svafabric.iommu.hw.stall.ResumeAction;
import org.svafabric.iommu.hw.stall.StallTable;
import org.svafabric.iommu.hw.testing.FakePcieLink.PageResponse;
import org.svafabric.iommu.hw.testing.FakePcieLink;
import org.svafabric.iommu.hw.testing.FaultyBus;
import org.svafabric.iommu.hw.testing.ManualScheduler;
import org.svafabric.iommu.hw.testing.RecordingTarget;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;

/**
 * The command consumer, driven the way arm-smmu-v3 drives it: commands written into the ring in RAM, then
 * CMDQ_PROD. The executor runs passes on the writing thread, so every step is deterministic.
 */
class CommandQueueTest {
    private static final long BASE = 0x50_0000;
    private static final long MSI = 0x60_0000;
    private static final Duration ATC_TIMEOUT = Duration.ofSeconds(1);

    private final FaultyBus ram = new FaultyBus();
    private final RecordingTarget target = new RecordingTarget();
    private final FakePcieLink port = new FakePcieLink();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final GlobalErrors gerror = new GlobalErrors(Irq.NONE);
    private final AtomicInteger syncIrqs = new AtomicInteger();
    private final AtomicInteger sevs = new AtomicInteger();
    private final StallTable stalls = new StallTable(e -> true, () -> new CompletableFuture<>(), scheduler,
            Duration.ofMinutes(1), 64);
    private final AtcInvalidationTracker atc = new AtcInvalidationTracker(scheduler, ATC_TIMEOUT);
    private CommandQueue queue;
    private RamRing ring;
    private int prod;

    private void start(int log2Size, CommandFeatures features, Irq syncIrq) {
        CommandDispatcher dispatcher = new CommandDispatcher(target, port, stalls, atc);
        SyncSignal signal = new SyncSignal(ram, features, gerror, syncIrq, sevs::incrementAndGet);
        queue = new CommandQueue(ram, features, 19, dispatcher, atc, signal, gerror, Runnable::run);
        queue.configure(new QueueBase(BASE, log2Size, false));
        queue.setEnabled(true);
        ring = new RamRing(ram, BASE, log2Size, 16);
    }

    private void start(int log2Size) {
        start(log2Size, CommandFeatures.all(), syncIrqs::incrementAndGet);
    }

    /** Writes the commands after PROD and rings the doorbell, as arm_smmu_cmdq_issue_cmdlist does. */
    private void submit(Command... commands) {
        for (Command c : commands) {
            ring.write(prod, c.encode());
            prod = ring.next(prod);
        }
        queue.writeProd(prod);
    }

    private void submitRaw(long dw0, long dw1) {
        ring.write(prod, new long[] {dw0, dw1});
        prod = ring.next(prod);
        queue.writeProd(prod);
    }

    private int consError() {
        return (queue.readCons() >>> 24) & 0x7f;
    }

    private int msiWord() {
        return (int) Words.getLong(ram.read(MSI, 8), 0);
    }

    @Test
    void commandsReachTheTranslationSideInOrder() {
        start(4);
        submit(new CmdPrefetchConfig(3, true, 9), new CmdPrefetchAddr(3, false, 0, 0x1000, 0), new CmdCfgiSte(1, true),
                CmdCfgiSteRange.all(), new CmdCfgiSteRange(0x100, 7), new CmdCfgiCd(2, 5, true), new CmdCfgiCdAll(2), CmdTlbi.nhAsid(0x42),
                CmdTlbi.nhVaRange(0x42, 0x7f00_0000_0000L, true, 1, 3, 1, 0), CmdTlbi.nsnhAll());
        assertThat(target.calls()).containsExactly("PREFETCH 3/9", "PREFETCH 3/-1", "STE 1/0", "STE 0/31", "STE 256/8", "CD 2/5",
                "CD 2/-1", "TLBI NH ASID", "TLBI NH VA", "TLBI NSNH ALL");
        assertThat(target.tlbis().get(1)).isEqualTo(
                new TlbInvalidation(Regime.NH, Scope.VA, 0x42, 0x7f00_0000_0000L, true, 1, 1, 0, 3));
        assertThat(queue.readCons()).isEqualTo(queue.readProd());
        assertThat(queue.consumedCommands()).isEqualTo(10);
    }

    @Test
    void consumptionWrapsAroundTheRing() {
        start(2);
        for (int batch = 0; batch < 10; batch++) {
            submit(new CmdCfgiSte(3 * batch, false), new CmdCfgiSte(3 * batch + 1, false), new CmdCfgiSte(3 * batch + 2, false));
        }
        assertThat(target.calls()).hasSize(30).startsWith("STE 0/0", "STE 1/0").endsWith("STE 29/0");
        // 30 entries through a 4-entry ring: index 30 mod 4 = 2, wrap flag (30 / 4) odd = 1
        assertThat(queue.readCons()).isEqualTo(0b110);
    }

    @Test
    void aDisabledQueueConsumesNothingUntilEnabled() {
        start(2);
        queue.setEnabled(false);
        submit(new CmdCfgiSte(1, false));
        assertThat(target.calls()).isEmpty();
        queue.setEnabled(true);
        assertThat(target.calls()).containsExactly("STE 1/0");
    }

    @Test
    void anIllegalCommandStopsTheQueueWithConsOnItAndCerrorIll() {
        start(3);
        submit(new CmdCfgiSte(1, false));
        submitRaw(0x00, 0); // Reserved opcode
        submit(new CmdCfgiSte(2, false));
        assertThat(target.calls()).containsExactly("STE 1/0");
        assertThat(queue.readCons() & 0xff).as("RD on the bad command").isEqualTo(1);
        assertThat(consError()).isEqualTo(CommandError.CERROR_ILL.code());
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isTrue();
        assertThat(queue.lastError()).contains("Reserved opcode 0x00");
        queue.writeProd(prod);
        assertThat(target.calls()).as("nothing consumed while CMDQ_ERR is active").hasSize(1);
    }

    @Test
    void afterSoftwareReplacesTheCommandAndAcknowledgesConsumptionResumes() {
        start(3);
        submit(new CmdCfgiSte(1, false));
        submitRaw(0x00, 0);
        submit(new CmdCfgiSte(2, false));
        // __arm_smmu_cmdq_skip_err: turn the bad entry into a CMD_SYNC, then write GERRORN
        ring.write(queue.readCons(), CmdSync.polled().encode());
        gerror.writeGerrorn(gerror.gerror());
        assertThat(target.calls()).containsExactly("STE 1/0", "STE 2/0");
        assertThat(queue.readCons() & 0xff).isEqualTo(3);
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isFalse();
    }

    @Test
    void acknowledgingWithoutAFixReFetchesTheSameCommandAndFailsAgain() {
        start(3);
        submitRaw(0x3046, 0); // CMD_SYNC with CS = 0b11
        gerror.writeGerrorn(gerror.gerror());
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isTrue();
        assertThat(queue.readCons() & 0xff).isZero();
        assertThat(consError()).isEqualTo(CommandError.CERROR_ILL.code());
    }

    @Test
    void softwareMayMoveProdBackToDropTheBadCommandWhileTheErrorIsActive() {
        start(3);
        submitRaw(0x00, 0);
        submitRaw(0x00, 0);
        prod = queue.readCons() & 0xff;
        queue.writeProd(prod);
        gerror.writeGerrorn(gerror.gerror());
        submit(new CmdCfgiSte(4, false));
        assertThat(target.calls()).containsExactly("STE 4/0");
    }

    @Test
    void aSyncCompletesOnlyAfterTheDelayedAtcInvalidationBeforeIt() {
        start(3);
        submit(new CmdAtcInv(0x100, true, 5, false, 0x7f00_0001_2000L, 4), CmdSync.msi(MSI, 0xcafe), new CmdCfgiSte(9, false));
        assertThat(port.invalidations).hasSize(1);
        assertThat(port.invalidations.get(0)).extracting(FakePcieLink.AtcInv::sid, FakePcieLink.AtcInv::ssid,
                FakePcieLink.AtcInv::addr, FakePcieLink.AtcInv::log2Pages).containsExactly(0x100, 5, 0x7f00_0001_0000L, 4);
        assertThat(queue.readCons()).as("CONS stays on the SYNC").isEqualTo(1);
        assertThat(msiWord()).isZero();
        assertThat(target.calls()).as("nothing after the SYNC starts").isEmpty();

        port.invalidations.get(0).completion().complete(null);

        assertThat(queue.readCons()).isEqualTo(3);
        assertThat(msiWord()).isEqualTo(0xcafe);
        assertThat(syncIrqs).hasValue(1);
        assertThat(target.calls()).containsExactly("STE 9/0");
    }

    @Test
    void aSyncWaitsForEveryEarlierAtcInvalidationWhateverOrderTheyComplete() {
        start(3);
        submit(new CmdAtcInv(1, false, 0, false, 0, 52), new CmdAtcInv(2, false, 0, false, 0, 52), CmdSync.msi(MSI, 1));
        port.invalidations.get(1).completion().complete(null);
        assertThat(msiWord()).isZero();
        port.invalidations.get(0).completion().complete(null);
        assertThat(msiWord()).isEqualTo(1);
    }

    @Test
    void theInterruptIsRaisedOnlyOnceConsHasPassedTheSync() {
        int[] consAtIrq = new int[1];
        start(3, CommandFeatures.all(), () -> consAtIrq[0] = queue.readCons());
        submit(new CmdAtcInv(1, false, 0, false, 0, 52), CmdSync.msi(MSI, 7));
        port.invalidations.get(0).completion().complete(null);
        assertThat(consAtIrq[0]).isEqualTo(2);
    }

    @Test
    void anAtcInvalidationThatNeverCompletesFailsTheSyncWithCerrorAtcInvSync() {
        start(3);
        submit(new CmdAtcInv(1, false, 0, false, 0, 52), CmdSync.msi(MSI, 0xbeef), new CmdCfgiSte(9, false));
        scheduler.advance(ATC_TIMEOUT);
        assertThat(consError()).isEqualTo(CommandError.CERROR_ATC_INV_SYNC.code());
        assertThat(queue.readCons() & 0xff).as("CONS still on the SYNC").isEqualTo(1);
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isTrue();
        assertThat(msiWord()).isZero();
        assertThat(atc.timeouts()).isEqualTo(1);

        // Linux re-submits the CMD_SYNC (it is still at CONS) and acknowledges: the SYNC now completes.
        gerror.writeGerrorn(gerror.gerror());
        assertThat(msiWord()).isEqualTo(0xbeef);
        assertThat(target.calls()).containsExactly("STE 9/0");
    }

    @Test
    void anEndpointErrorCountsAsCompletionWithoutGuarantee() {
        start(3);
        submit(new CmdAtcInv(1, false, 0, false, 0, 52), CmdSync.msi(MSI, 3));
        port.invalidations.get(0).completion().completeExceptionally(new IllegalStateException("UR"));
        assertThat(msiWord()).isEqualTo(3);
        assertThat(atc.endpointErrors()).isEqualTo(1);
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isFalse();
    }

    @Test
    void globalIsSentOnlyWithAPasid() {
        start(3);
        submit(new CmdAtcInv(1, false, 0, true, 0, 52), new CmdAtcInv(1, true, 8, true, 0, 52));
        assertThat(port.invalidations).extracting(FakePcieLink.AtcInv::ssid, FakePcieLink.AtcInv::global)
                .containsExactly(tuple(-1, false), tuple(8, true));
    }

    @Test
    void priResponsesGoToTheEndpointAndResumesToTheStallTable() {
        start(3);
        CompletableFuture<Boolean> a = stalls.hold(Event.fault(EventType.F_TRANSLATION, 6, false, 0, 0, true, false, false, 2)).toCompletableFuture();
        CompletableFuture<Boolean> b = stalls.hold(Event.fault(EventType.F_TRANSLATION, 6, false, 0, 0, true, false, false, 2)).toCompletableFuture();
        CompletableFuture<Boolean> c = stalls.hold(Event.fault(EventType.F_TRANSLATION, 8, false, 0, 0, true, false, false, 2)).toCompletableFuture();
        submit(new CmdPriResp(0x100, true, 42, 0x1ff, PrgResponseCode.INVALID), new CmdResume(6, 0, ResumeAction.RETRY),
                new CmdStallTerm(8));
        assertThat(port.responses()).containsExactly(new PageResponse(0x100, 42, true, 0x1ff, PrgResponseCode.INVALID));
        assertThat(a).isCompletedWithValue(true);
        assertThat(b).isNotDone();
        assertThat(c).isCompletedWithValue(false);
    }

    @Test
    void anAbortedFetchStopsWithCerrorAbtUntilAcknowledged() {
        start(3);
        ram.failReads(BASE, BASE + 128);
        submit(new CmdCfgiSte(1, false));
        assertThat(consError()).isEqualTo(CommandError.CERROR_ABT.code());
        assertThat(target.calls()).isEmpty();
        ram.heal();
        gerror.writeGerrorn(gerror.gerror());
        assertThat(target.calls()).containsExactly("STE 1/0");
    }

    @Test
    void sevSignalsOnlyWhenTheSmmuHasSev() {
        start(3);
        submit(new CmdSync(CmdSync.ComplSignal.SIG_SEV, 0, 0, 0, 0), CmdSync.polled());
        assertThat(sevs).hasValue(1);
        assertThat(syncIrqs).hasValue(0);
        sevs.set(0);
        prod = 0;
        start(3, new CommandFeatures(true, true, true, true, true, true, false), syncIrqs::incrementAndGet);
        submit(new CmdSync(CmdSync.ComplSignal.SIG_SEV, 0, 0, 0, 0));
        assertThat(sevs).hasValue(0);
    }

    @Test
    void withoutMsiSupportSigIrqRaisesOnlyTheWiredInterrupt() {
        start(3, new CommandFeatures(true, true, true, true, true, false, true), syncIrqs::incrementAndGet);
        submit(CmdSync.msi(MSI, 0x55));
        assertThat(syncIrqs).hasValue(1);
        assertThat(msiWord()).isZero();
    }

    @Test
    void anAbortedMsiWriteRaisesMsiCmdqAbtErrButTheSyncIsConsumed() {
        start(3);
        ram.failWrites(MSI, MSI + 4);
        submit(CmdSync.msi(MSI, 0x55), new CmdCfgiSte(1, false));
        assertThat(gerror.isActive(Gerror.MSI_CMDQ_ABT_ERR)).isTrue();
        assertThat(gerror.isActive(Gerror.CMDQ_ERR)).isFalse();
        assertThat(target.calls()).isEqualTo(List.of("STE 1/0"));
    }
}
