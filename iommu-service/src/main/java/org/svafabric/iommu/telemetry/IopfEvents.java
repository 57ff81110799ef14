package org.svafabric.iommu.telemetry;

import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.iopf.IopfGroup;
import org.svafabric.iommu.core.iopf.IopfListener;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.EventLog;

/**
 * The fault queue's tracepoints as event-log entries: PRI_REQUEST or STALL for every request reported,
 * PRI_RESPONSE or RESUME for every response sent. The log does not block (see {@link EventLog}).
 */
public final class IopfEvents implements IopfListener {
    private final EventLog events;

    public IopfEvents(EventLog events) {
        this.events = events;
    }

    @Override
    public void faultReported(IopfFault f) {
        Device dev = f.device();
        String access = (f.read() ? "r" : "-") + (f.write() ? "w" : "-") + (f.exec() ? "x" : "-") + (f.priv() ? "p" : "-");
        if (f.kind() == IopfFault.Kind.STALL) {
            events.emit(new CoreEvent(CoreEvent.Type.STALL, dev.id(), dev.sid(), pasidOf(f), null, f.addr(),
                    "stag " + f.stag() + " " + access));
            return;
        }
        events.emit(new CoreEvent(CoreEvent.Type.PRI_REQUEST, dev.id(), dev.sid(), pasidOf(f), null, f.addr(),
                "prg " + f.prgIndex() + (f.last() ? " last " : " ") + (f.isStopMarker() ? "stop marker" : access)));
    }

    @Override
    public void responded(IopfGroup group, PrgResponseCode code, String why) {
        IopfFault last = group.last();
        Device dev = group.device();
        if (last.kind() == IopfFault.Kind.STALL) {
            boolean retry = code == PrgResponseCode.SUCCESS;
            events.emit(new CoreEvent(CoreEvent.Type.RESUME, dev.id(), dev.sid(), pasidOf(last), null, last.addr(),
                    detail("stag " + last.stag() + (retry ? " retry" : " abort"), why)));
            return;
        }
        events.emit(new CoreEvent(CoreEvent.Type.PRI_RESPONSE, dev.id(), dev.sid(), pasidOf(last), null, last.addr(),
                detail("prg " + last.prgIndex() + " " + code, why)));
    }

    private static Integer pasidOf(IopfFault f) {
        return f.pasidValid() ? f.pasid() : null;
    }

    private static String detail(String what, String why) {
        return why == null ? what : what + " (" + why + ")";
    }
}
