package org.svafabric.iommu.telemetry;

import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.EventLog;
import org.svafabric.iommu.core.sva.SvaListener;

/** The SVA core's tracepoints as event-log entries: BIND, UNBIND, MM_EXIT. */
public final class SvaEvents implements SvaListener {
    private final EventLog events;

    public SvaEvents(EventLog events) {
        this.events = events;
    }

    @Override
    public void bound(Device d, int pasid, long pid, boolean again) {
        emit(CoreEvent.Type.BIND, d, pasid, pid, again ? "bound again" : null);
    }

    @Override
    public void unbound(Device d, int pasid, long pid, boolean kept) {
        emit(CoreEvent.Type.UNBIND, d, pasid, pid, kept ? "bond still held" : null);
    }

    /** UNBIND with the reason the machine gave (a reboot of RAM or of the devices). */
    @Override
    public void bondLost(Device d, int pasid, long pid, String reason) {
        emit(CoreEvent.Type.UNBIND, d, pasid, pid, reason);
    }

    @Override
    public void mmExit(Device d, int pasid, long pid, int ret) {
        emit(CoreEvent.Type.MM_EXIT, d, pasid, pid, ret == 0 ? null : "mm_exit returned " + ret + ": possible leak of PASID " + pasid);
    }

    private void emit(CoreEvent.Type type, Device d, int pasid, long pid, String detail) {
        events.emit(new CoreEvent(type, d.id(), d.sid(), pasid, pid, null, detail));
    }
}
