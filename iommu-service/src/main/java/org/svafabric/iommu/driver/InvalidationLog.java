package org.svafabric.iommu.driver;

import java.util.List;
import java.util.function.IntFunction;

import org.svafabric.iommu.hw.cmd.CmdAtcInv;
import org.svafabric.iommu.hw.cmd.CmdTlbi;
import org.svafabric.iommu.hw.cmd.Command;

/** Reports the invalidations the driver issued: one TLBI event per batch (first command, count) and one ATC_INV per endpoint. */
final class InvalidationLog {
    private final DriverEvents events;
    private final IntFunction<Master> masters;
    private final DriverListener trace;

    InvalidationLog(DriverEvents events, IntFunction<Master> masters, DriverListener trace) {
        this.events = events;
        this.masters = masters;
        this.trace = trace;
    }

    /** {@code single}: the one master the batch is about, if there is one (names the TLBI event's device). */
    void issued(List<Command> cmds, Master single, Integer pasid) {
        int tlbis = 0;
        int atcInvs = 0;
        String first = null;
        for (Command c : cmds) {
            if (c instanceof CmdTlbi t) {
                if (tlbis++ == 0) {
                    first = t.opcode().name().substring(4) + " asid " + t.asid()
                            + (t.addr() != 0 || t.usesRangeFields() ? " va 0x" + Long.toHexString(t.addr()) : "");
                }
            } else if (c instanceof CmdAtcInv a) {
                atcInvs++;
                Master m = masters.apply(a.sid());
                events.emit("ATC_INV", m == null ? null : m.id(), a.sid(), a.ssv() ? a.ssid() : null, a.alignedAddr(),
                        a.size() >= CmdAtcInv.SIZE_ALL ? "all" : "2^" + a.size() + " pages");
            }
        }
        trace.invalidationsIssued(tlbis, atcInvs);
        if (tlbis > 0) {
            events.emit("TLBI", single == null ? null : single.id(), single == null ? null : single.sid(), pasid, null,
                    first + (tlbis > 1 ? " (+" + (tlbis - 1) + " more)" : ""));
        }
    }
}
