package org.svafabric.iommu.driver;

import java.util.List;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.hw.cmd.CmdPriResp;
import org.svafabric.iommu.hw.pri.PageRequest;

/**
 * The PRI-queue interrupt thread's work (Linux {@code arm_smmu_priq_thread} / {@code arm_smmu_handle_ppr} as
 * the SVA series made it): each Page Request goes to the fault queue of its device. A request from a device
 * the driver did not enable PRI for gets no service: its group is answered Response Failure (Linux's
 * PRI_RESP_DENY), so the endpoint stops issuing requests instead of waiting.
 *
 * <p>Overflow: the SMMU discarded requests while the queue was full (answering lost Last requests itself), so
 * a group whose first requests were delivered may have lost its last one. After the delivered entries are
 * handled, the partial groups are discarded and the overflow acknowledged, as the series does
 * ("PRIQ overflow detected -- requests lost", then {@code iopf_queue_discard_partial}).
 */
final class PriQueueHandler {
    private static final Logger log = LoggerFactory.getLogger(PriQueueHandler.class);

    private final OutputQueueReader reader;
    private final IntFunction<Master> masters;
    private final FaultSink faults;
    private final Cmdq cmdq;
    private final DriverEvents events;
    private final DriverListener trace;

    PriQueueHandler(OutputQueueReader reader, IntFunction<Master> masters, FaultSink faults, Cmdq cmdq,
                    DriverEvents events, DriverListener trace) {
        this.reader = reader;
        this.masters = masters;
        this.faults = faults;
        this.cmdq = cmdq;
        this.events = events;
        this.trace = trace;
    }

    synchronized void drain() {
        OutputQueueReader.Batch batch = reader.take();
        for (long[] e : batch.entries()) {
            handle(PageRequest.decode(e));
        }
        if (batch.overflowed()) {
            trace.priQueueOverflow();
            log.warn("PRIQ overflow detected -- requests lost");
            events.emit("PRIQ_OVERFLOW", null, null, null, null,
                    "the SMMU discarded page requests while the queue was full; partial groups discarded");
            faults.discardPartial();
        }
        reader.release(batch);
    }

    private void handle(PageRequest r) {
        trace.pageRequest(r);
        Master m = masters.apply(r.sid());
        boolean enabled;
        if (m == null) {
            enabled = false;
        } else {
            synchronized (m) {
                enabled = m.priEnabled;
            }
        }
        if (!enabled) {
            log.warn("unexpected PRI request received: SID 0x{}.{} PRGI {} iova 0x{}", Integer.toHexString(r.sid()),
                    r.ssv() ? r.ssid() : "-", r.prgIndex(), Long.toHexString(r.addr()));
            if (r.last() && !r.isStopMarker()) {
                // With the request's SSV/SSID: a function that requires the PASID in PRG responses would
                // otherwise discard this one and wait out its own timeout.
                cmdq.issue(List.of(new CmdPriResp(r.sid(), r.ssv(), r.ssv() ? r.ssid() : 0, r.prgIndex(),
                        PrgResponseCode.FAILURE)));
            }
            return;
        }
        faults.report(IopfFault.pageRequest(m.device, r.ssv() ? r.ssid() : null, r.prgIndex(), r.last(), r.read(),
                r.write(), r.exec(), r.priv(), r.addr()));
    }
}
