package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.hw.cmd.CmdTlbi;
import org.svafabric.iommu.hw.cmd.Opcode;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.pri.PageRequest;
import org.svafabric.iommu.hw.regs.SmmuConfig;

/** The event and PRI queues as the driver consumes them, the command-queue error path, and page responses. */
class QueueHandlersTest {

    private static PageRequest ppr(int sid, int pasid, int prgi, boolean last, long addr) {
        return new PageRequest(sid, true, pasid, prgi, last, true, true, false, false, addr);
    }

    @Test
    void pageRequestsOfAPriEnabledDeviceGoToTheFaultQueueInOrder() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.smmu.priQueue().receive(ppr(0x100, 7, 3, false, 0x7000_0000L));
        h.smmu.priQueue().receive(ppr(0x100, 7, 3, true, 0x7000_1000L));
        h.driver.priQueueInterrupt();
        assertThat(h.faults).hasSize(2);
        IopfFault last = h.faults.get(1);
        assertThat(last.kind()).isEqualTo(IopfFault.Kind.PAGE_REQUEST);
        assertThat(last.pasid()).isEqualTo(7);
        assertThat(last.prgIndex()).isEqualTo(3);
        assertThat(last.last()).isTrue();
        assertThat(last.addr()).isEqualTo(0x7000_1000L);
        assertThat(h.regs.read(SmmuReg.PRIQ_CONS)).as("CONS handed back").isEqualTo(h.regs.read(SmmuReg.PRIQ_PROD));
    }

    @Test
    void aPageRequestFromADeviceWithoutPriEnabledIsAnsweredResponseFailure() {
        DriverHarness h = new DriverHarness();
        h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.smmu.priQueue().receive(ppr(0x100, 7, 5, true, 0x7000_0000L));
        h.driver.priQueueInterrupt();
        assertThat(h.faults).isEmpty();
        assertThat(h.port.responses()).singleElement().satisfies(r -> {
            assertThat(r.prgIndex()).isEqualTo(5);
            assertThat(r.code()).isEqualTo(PrgResponseCode.FAILURE);
            // IHI 0070 §4.7.1 CMD_PRI_RESP SSV/SubstreamID: answered with the request's PASID, so a function
            // that requires the PASID in PRG responses accepts the answer instead of waiting out its timeout.
            assertThat(r.pasidValid()).isTrue();
            assertThat(r.ssid()).isEqualTo(7);
        });
    }

    @Test
    void theHandlersReportThroughTheDriversTracepoints() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.smmu.priQueue().receive(ppr(0x100, 7, 3, false, 0x7000_0000L));
        h.smmu.priQueue().receive(ppr(0x100, 7, 3, true, 0x7000_1000L));
        h.smmu.priQueue().receive(ppr(0x200, 7, 4, true, 0x7000_0000L));
        h.driver.priQueueInterrupt();
        assertThat(h.meters.counter("smmu.priq.requests", "smmu", "smmu0").count()).as("a request of an unknown SID counts too").isEqualTo(3);
        assertThat(h.meters.find("smmu.cmdq.commands").gauge()).as("the driver registers no meter itself").isNull();
    }

    /** Linux's CMD_SYNC: MSH inner shareable, MSIAttr write-back, CS = IRQ with an MSI address, SEV when polling. */
    @Test
    void ihi0070s473_cmdSyncCarriesInnerShareableWriteBackAttributesAsLinuxBuildsIt() {
        for (boolean msi : new boolean[] {true, false}) {
            DriverHarness h = new DriverHarness(org.svafabric.iommu.hw.regs.SmmuConfig.builder().msi(msi).build(), DriverSettings.defaults());
            long base = org.svafabric.iommu.hw.layout.QueueRegisters.BASE_ADDR.getAddress(h.regs.read(SmmuReg.CMDQ_BASE));
            int prod = (int) h.regs.read(SmmuReg.CMDQ_PROD);
            int log2 = (int) org.svafabric.iommu.hw.layout.QueueRegisters.BASE_LOG2SIZE.get(h.regs.read(SmmuReg.CMDQ_BASE));
            int last = (prod - 1) & ((1 << log2) - 1);
            long w0 = h.ram.read64(base + 16L * last);
            assertThat(org.svafabric.iommu.hw.cmd.CommandFields.OPCODE.get(w0)).as("the probe's last command").isEqualTo(0x46);
            assertThat(org.svafabric.iommu.hw.cmd.CmdSync.MSH.get(w0)).isEqualTo(0b11);
            assertThat(org.svafabric.iommu.hw.cmd.CmdSync.MSI_ATTR.get(w0)).isEqualTo(0xf);
            assertThat(org.svafabric.iommu.hw.cmd.CmdSync.CS.get(w0)).as("msi " + msi).isEqualTo(msi ? 0b01 : 0b10);
        }
    }

    @Test
    void priQueueOverflowIsReportedPartialsDiscardedAndTheQueueAcceptsAgain() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().priqLog2(1).build(), DriverSettings.defaults());
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.smmu.priQueue().receive(ppr(0x100, 7, 1, false, 0x1000));
        h.smmu.priQueue().receive(ppr(0x100, 7, 1, false, 0x2000));
        // The queue holds 2: this Last is discarded and the SMMU answers it itself.
        h.smmu.priQueue().receive(ppr(0x100, 7, 1, true, 0x3000));
        h.driver.priQueueInterrupt();
        assertThat(h.faults).hasSize(2);
        assertThat(h.discards).isEqualTo(1);
        assertThat(h.events).anyMatch(e -> e.startsWith("PRIQ_OVERFLOW"));
        assertThat(h.port.responses()).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(PrgResponseCode.SUCCESS));

        h.smmu.priQueue().receive(ppr(0x100, 7, 2, true, 0x4000));
        h.driver.priQueueInterrupt();
        assertThat(h.faults).hasSize(3);
        assertThat(h.discards).isEqualTo(1);
    }

    @Test
    void aStallRecordBecomesAStallFaultAndResumeRetriesTheTransaction() throws Exception {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        Event fault = Event.fault(EventType.F_TRANSLATION, 0x10, true, 2, 0x7f00_0000_1234L, false, false, false, Event.CLASS_IN);
        CompletionStage<Boolean> held = h.smmu.stalls().hold(fault);
        h.driver.eventQueueInterrupt();
        assertThat(h.faults).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(IopfFault.Kind.STALL);
            assertThat(f.pasid()).isEqualTo(2);
            assertThat(f.write()).isTrue();
            assertThat(f.addr()).isEqualTo(0x7f00_0000_1000L);
        });
        assertThat(h.events).anyMatch(e -> e.startsWith("F_TRANSLATION smmute0") && e.contains("stalled"));
        h.driver.resume(m.device, h.faults.get(0).stag(), true);
        assertThat(held.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * A terminated transaction's record (no stall) is an unrecoverable fault of its device, reported to the core for
     * the fault handler its driver registered (iommu_report_device_fault, IOMMU_FAULT_DMA_UNRECOV), with the
     * iommu_fault_reason of the event: F_TRANSLATION is PTE_FETCH, C_BAD_SUBSTREAMID is PASID_INVALID. A record of a
     * StreamID nobody has is only logged.
     */
    @Test
    void aTerminatedTransactionsRecordIsReportedAsAnUnrecoverableFaultOfItsDevice() {
        DriverHarness h = new DriverHarness();
        h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        int sid = h.driver.master("0000:01:00.0").orElseThrow().sid();
        h.smmu.eventQueue().record(Event.fault(EventType.F_TRANSLATION, sid, true, 7, 0x7f00_0000_1234L, false, true, false, Event.CLASS_IN));
        h.smmu.eventQueue().record(Event.config(EventType.C_BAD_SUBSTREAMID, sid, true, 0x99));
        h.smmu.eventQueue().record(Event.fault(EventType.F_TRANSLATION, 0x4242, false, 0, 0x1000, true, false, false, Event.CLASS_IN));
        h.driver.eventQueueInterrupt();
        assertThat(h.unrecoverable).hasSize(2);
        assertThat(h.unrecoverable.get(0)).isEqualTo(new org.svafabric.iommu.core.port.UnrecoverableFault(
                org.svafabric.iommu.core.port.UnrecoverableFault.Reason.PTE_FETCH, "F_TRANSLATION", 7, 0x7f00_0000_1234L,
                false, true, false, true));
        assertThat(h.unrecoverable.get(1).reason()).isEqualTo(org.svafabric.iommu.core.port.UnrecoverableFault.Reason.PASID_INVALID);
        assertThat(h.unrecoverable.get(1).pasid()).isEqualTo(0x99);
        assertThat(h.unrecoverable.get(1).write()).as("a configuration error carries no access").isFalse();
        assertThat(h.faults).as("nothing recoverable").isEmpty();
    }

    @Test
    void aStallFromAnUnknownStreamIsAbortedAtOnce() throws Exception {
        DriverHarness h = new DriverHarness();
        Event fault = Event.fault(EventType.F_TRANSLATION, 0x77, false, 0, 0x1000, true, false, false, Event.CLASS_IN);
        CompletionStage<Boolean> held = h.smmu.stalls().hold(fault);
        h.driver.eventQueueInterrupt();
        assertThat(h.faults).isEmpty();
        assertThat(held.toCompletableFuture().get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void pageResponsesCarryThePasidOnlyWhenAskedAndMapCodes() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.pageResponse(m.device, java.util.OptionalInt.of(9), 4, PrgResponseCode.SUCCESS);
        h.driver.pageResponse(m.device, java.util.OptionalInt.empty(), 5, PrgResponseCode.INVALID);
        assertThat(h.port.responses()).extracting(r -> r.pasidValid() + "/" + r.ssid() + "/" + r.prgIndex() + "/" + r.code())
                .containsExactly("true/9/4/SUCCESS", "false/0/5/INVALID");
    }

    @Test
    void anIllegalCommandIsReplacedBySyncAndTheQueueGoesOn() {
        DriverHarness h = new DriverHarness();
        // CMD_TLBI_EL2_ASID without IDR0.Hyp is CERROR_ILL.
        h.driver.cmdq().issueSync(List.of(new CmdTlbi(Opcode.CMD_TLBI_EL2_ASID, 0, 3, 0, false, 0, 0, 0, 0)));
        assertThat(h.events).anyMatch(e -> e.contains("CMDQ_ERR CERROR_ILL"));
        assertThat(h.regs.read(SmmuReg.GERROR)).isEqualTo(h.regs.read(SmmuReg.GERRORN));
        h.tlbis.clear();
        h.driver.cmdq().issueSync(List.of(CmdTlbi.nhAsid(4)));
        assertThat(h.tlbis).hasSize(1);
    }
}
