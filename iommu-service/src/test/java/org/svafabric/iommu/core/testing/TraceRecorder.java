package org.svafabric.iommu.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.iopf.IopfGroup;
import org.svafabric.iommu.core.iopf.IopfListener;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.sva.SvaListener;

/**
 * The tracepoints of the fault queue and the SVA core as one line each, in the order they fired, e.g.
 * {@code "reported prg 3 last"}, {@code "responded prg 3 SUCCESS"}, {@code "bound 00:01.0 pasid 1"}.
 */
public final class TraceRecorder {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines that start with {@code prefix}. */
    public List<String> starting(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    IopfListener iopf() {
        return new IopfListener() {
            @Override
            public void faultReported(IopfFault f) {
                lines.add("reported " + what(f) + (f.last() ? " last" : ""));
            }

            @Override
            public void groupComplete(IopfFault last) {
                lines.add("complete " + what(last));
            }

            @Override
            public void partialsDiscarded(int count) {
                lines.add("discarded " + count);
            }

            @Override
            public void groupFailed(IopfGroup group, String why) {
                lines.add("failed " + what(group.last()) + ": " + why);
            }

            @Override
            public void responded(IopfGroup group, PrgResponseCode code, String why) {
                lines.add("responded " + what(group.last()) + " " + code + (why == null ? "" : ": " + why));
            }

            @Override
            public void stopMarker(IopfGroup group) {
                lines.add("stop marker " + what(group.last()));
            }

            @Override
            public void responseFailed(IopfGroup group, RuntimeException cause) {
                lines.add("response failed " + what(group.last()));
            }
        };
    }

    SvaListener sva() {
        return new SvaListener() {
            @Override
            public void bound(Device device, int pasid, long pid, boolean again) {
                lines.add("bound " + device.id() + " pasid " + pasid + (again ? " again" : ""));
            }

            @Override
            public void unbound(Device device, int pasid, long pid, boolean kept) {
                lines.add("unbound " + device.id() + " pasid " + pasid + (kept ? " kept" : ""));
            }

            @Override
            public void mmExit(Device device, int pasid, long pid, int ret) {
                lines.add("mm_exit " + device.id() + " pasid " + pasid + " ret " + ret);
            }

            @Override
            public void exitTornDown(Device device, int pasid) {
                lines.add("torn down " + device.id() + " pasid " + pasid);
            }

            @Override
            public void rangeInvalidated(long pid, long nanos) {
                lines.add("invalidated pid " + pid);
            }
        };
    }

    private static String what(IopfFault f) {
        return f.kind() == IopfFault.Kind.STALL ? "stag " + f.stag() : "prg " + f.prgIndex();
    }
}
