package org.svafabric.iommu.core.iopf;

import java.util.List;

import org.svafabric.api.wire.PrgResponseCode;

/**
 * The fault queue's tracepoints (Linux {@code trace_io_page_fault}, {@code trace_dev_fault},
 * {@code trace_dev_page_response}): what the queue did, told to whoever listens, so that counting and event
 * logging stay beside the fault path and not in it. Every method is called on the fault path, so an
 * implementation must not block and must not throw; the defaults ignore the call.
 */
public interface IopfListener {
    IopfListener NONE = new IopfListener() { };

    /** A page request or a stall reached the queue (iommu_report_device_fault). */
    default void faultReported(IopfFault fault) {
    }

    /** {@code last} closed a group: it is queued, or answered at once when it cannot be. */
    default void groupComplete(IopfFault last) {
    }

    /** Partial page requests dropped without a response (device not on the queue, removed, PRI overflow). */
    default void partialsDiscarded(int count) {
    }

    /** The group could not be serviced (queue full or closed, handler failure) and is answered INVALID. */
    default void groupFailed(IopfGroup group, String why) {
    }

    /**
     * The group's one response was sent: CMD_PRI_RESP with {@code code}, or CMD_RESUME (SUCCESS: retry,
     * INVALID: abort) for a stall. {@code why} explains an INVALID the queue chose itself, else null.
     * {@code group.arrivedNanos()} and {@link System#nanoTime()} give its latency.
     */
    default void responded(IopfGroup group, PrgResponseCode code, String why) {
    }

    /** The group ended in a PASID stop marker, which gets no response. */
    default void stopMarker(IopfGroup group) {
    }

    /** The driver could not send the group's response: nothing is left to answer with. */
    default void responseFailed(IopfGroup group, RuntimeException cause) {
    }

    /** Every listener, in order. */
    static IopfListener all(List<? extends IopfListener> listeners) {
        List<IopfListener> ls = List.copyOf(listeners);
        return new IopfListener() {
            @Override
            public void faultReported(IopfFault fault) {
                ls.forEach(l -> l.faultReported(fault));
            }

            @Override
            public void groupComplete(IopfFault last) {
                ls.forEach(l -> l.groupComplete(last));
            }

            @Override
            public void partialsDiscarded(int count) {
                ls.forEach(l -> l.partialsDiscarded(count));
            }

            @Override
            public void groupFailed(IopfGroup group, String why) {
                ls.forEach(l -> l.groupFailed(group, why));
            }

            @Override
            public void responded(IopfGroup group, PrgResponseCode code, String why) {
                ls.forEach(l -> l.responded(group, code, why));
            }

            @Override
            public void stopMarker(IopfGroup group) {
                ls.forEach(l -> l.stopMarker(group));
            }

            @Override
            public void responseFailed(IopfGroup group, RuntimeException cause) {
                ls.forEach(l -> l.responseFailed(group, cause));
            }
        };
    }
}
