package org.svafabric.iommu.core.sva;

import java.util.List;

import org.svafabric.iommu.core.port.Device;

/**
 * The SVA core's tracepoints: binds, unbinds, process exits and range invalidations, told to whoever counts or
 * logs them, so that the bind and teardown code holds no telemetry. Called from the core's paths (some under
 * a device's mutex): an implementation must not block and must not throw; the defaults ignore the call.
 */
public interface SvaListener {
    SvaListener NONE = new SvaListener() { };

    /** iommu_sva_bind_device succeeded; {@code again}: the bond existed and only its count went up. */
    default void bound(Device device, int pasid, long pid, boolean again) {
    }

    /** iommu_sva_unbind_device dropped one bind; {@code kept}: the bond is still held by other binds. */
    default void unbound(Device device, int pasid, long pid, boolean kept) {
    }

    /** The machine took a bond away ({@code reason}: a peer rebooted and the bond cannot stand), not an unbind. */
    default void bondLost(Device device, int pasid, long pid, String reason) {
    }

    /** The device driver's mm_exit handler returned {@code ret} (-1 when it failed); non-zero: possible PASID leak. */
    default void mmExit(Device device, int pasid, long pid, int ret) {
    }

    /** A bond's teardown at exit finished: faults flushed, CD cleared, TLBs and ATC invalidated. */
    default void exitTornDown(Device device, int pasid) {
    }

    /** invalidate_range of an mm bound to devices returned after {@code nanos} (CMD_SYNC and ATC completions). */
    default void rangeInvalidated(long pid, long nanos) {
    }

    /** Every listener, in order. */
    static SvaListener all(List<? extends SvaListener> listeners) {
        List<SvaListener> ls = List.copyOf(listeners);
        return new SvaListener() {
            @Override
            public void bound(Device device, int pasid, long pid, boolean again) {
                ls.forEach(l -> l.bound(device, pasid, pid, again));
            }

            @Override
            public void unbound(Device device, int pasid, long pid, boolean kept) {
                ls.forEach(l -> l.unbound(device, pasid, pid, kept));
            }

            @Override
            public void bondLost(Device device, int pasid, long pid, String reason) {
                ls.forEach(l -> l.bondLost(device, pasid, pid, reason));
            }

            @Override
            public void mmExit(Device device, int pasid, long pid, int ret) {
                ls.forEach(l -> l.mmExit(device, pasid, pid, ret));
            }

            @Override
            public void exitTornDown(Device device, int pasid) {
                ls.forEach(l -> l.exitTornDown(device, pasid));
            }

            @Override
            public void rangeInvalidated(long pid, long nanos) {
                ls.forEach(l -> l.rangeInvalidated(pid, nanos));
            }
        };
    }
}
