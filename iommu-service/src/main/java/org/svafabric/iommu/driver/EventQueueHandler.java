package org.svafabric.iommu.driver;

import java.util.List;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.port.UnrecoverableFault;
import org.svafabric.iommu.hw.cmd.CmdResume;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.layout.EventRecord;
import org.svafabric.iommu.hw.stall.ResumeAction;

/**
 * The event-queue interrupt thread's work (Linux {@code arm_smmu_evtq_thread} / {@code arm_smmu_handle_evt}):
 * every record is logged; a record with STALL = 1 is a transaction the SMMU holds, reported to the fault
 * queue as a page request of its own, which the core answers with CMD_RESUME. A stall from a StreamID the
 * driver does not know is aborted at once, or it would wait for the watchdog.
 */
final class EventQueueHandler {
    private static final Logger log = LoggerFactory.getLogger(EventQueueHandler.class);
    private static final long PAGE_MASK = ~0xfffL;

    private final OutputQueueReader reader;
    private final IntFunction<Master> masters;
    private final FaultSink faults;
    private final Cmdq cmdq;
    private final DriverEvents events;
    private final DriverListener trace;

    EventQueueHandler(OutputQueueReader reader, IntFunction<Master> masters, FaultSink faults, Cmdq cmdq,
                      DriverEvents events, DriverListener trace) {
        this.reader = reader;
        this.masters = masters;
        this.faults = faults;
        this.cmdq = cmdq;
        this.events = events;
        this.trace = trace;
    }

    /** Handles everything produced so far; called by the interrupt thread and by fault-queue flushes. */
    synchronized void drain() {
        OutputQueueReader.Batch batch = reader.take();
        List<long[]> entries = batch.entries();
        for (long[] e : entries) {
            handle(EventRecord.decode(e));
        }
        if (batch.overflowed()) {
            trace.eventQueueOverflow();
            log.warn("EVTQ overflow detected -- events lost");
            events.emit("EVTQ_OVERFLOW", null, null, null, null, "the SMMU discarded event records while the queue was full");
        }
        reader.release(batch);
    }

    private void handle(Event e) {
        Master m = masters.apply(e.sid());
        String device = m == null ? null : m.id();
        Integer pasid = e.ssv() ? e.ssid() : null;
        trace.eventRecord(e);
        events.emit(e.type().name(), device, e.sid(), pasid, e.inputAddr(), describe(e));
        if (!e.stall()) {
            if (m != null) {
                // The transaction was terminated: an unrecoverable fault of the device (IOMMU_FAULT_DMA_UNRECOV).
                faults.reportUnrecoverable(m.device, unrecoverable(e, pasid));
            }
            return;
        }
        if (m == null) {
            cmdq.issue(List.of(new CmdResume(e.sid(), e.stag(), ResumeAction.ABORT)));
            return;
        }
        faults.report(IopfFault.stall(m.device, pasid, e.stag(), !e.rnw(), e.ind(), e.pnu(), e.inputAddr() & PAGE_MASK));
    }

    /** The event as an unrecoverable fault, with the iommu_fault_reason its event maps to. */
    static UnrecoverableFault unrecoverable(Event e, Integer pasid) {
        UnrecoverableFault.Reason reason = switch (e.type()) {
            case C_BAD_SUBSTREAMID -> UnrecoverableFault.Reason.PASID_INVALID;
            case F_CD_FETCH -> UnrecoverableFault.Reason.PASID_FETCH;
            case C_BAD_CD -> UnrecoverableFault.Reason.BAD_PASID_ENTRY;
            case F_WALK_EABT -> UnrecoverableFault.Reason.WALK_EABT;
            case F_TRANSLATION -> UnrecoverableFault.Reason.PTE_FETCH;
            case F_ADDR_SIZE -> UnrecoverableFault.Reason.OOR_ADDRESS;
            case F_ACCESS -> UnrecoverableFault.Reason.ACCESS;
            case F_PERMISSION -> UnrecoverableFault.Reason.PERMISSION;
            default -> UnrecoverableFault.Reason.UNKNOWN;
        };
        if (e.atsTreq() != null) {
            Event.AtsTreq t = e.atsTreq();
            return new UnrecoverableFault(reason, e.type().name(), pasid, e.inputAddr(), t.r(), t.w(), t.x(), t.priv());
        }
        // Only the translation and walk records carry the access (RnW, InD, PnU); configuration errors do not.
        boolean access = e.type() == EventType.F_WALK_EABT || e.type().code() >= EventType.F_TRANSLATION.code()
                && e.type().code() <= EventType.F_PERMISSION.code();
        return new UnrecoverableFault(reason, e.type().name(), pasid, e.inputAddr(), access && e.rnw(), access && !e.rnw(),
                access && e.ind(), access && e.pnu());
    }

    private static String describe(Event e) {
        if (e.atsTreq() != null) {
            Event.AtsTreq t = e.atsTreq();
            return "ATS Translation Request refused: " + (t.r() ? "R" : "") + (t.w() ? "W" : "") + (t.x() ? "X" : "")
                    + (t.priv() ? " privileged" : " unprivileged") + ", " + t.span() + " STU(s)";
        }
        StringBuilder b = new StringBuilder();
        b.append(e.rnw() ? "read" : "write");
        if (e.ind()) {
            b.append(" instruction");
        }
        b.append(e.pnu() ? " privileged" : " unprivileged");
        if (e.stall()) {
            b.append(", stalled STAG 0x").append(Integer.toHexString(e.stag()));
        }
        if (e.fetchAddr() != 0) {
            b.append(", fetch 0x").append(Long.toHexString(e.fetchAddr()));
        }
        return b.toString();
    }
}
