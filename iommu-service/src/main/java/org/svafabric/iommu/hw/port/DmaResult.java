package org.svafabric.iommu.hw.port;

import org.svafabric.iommu.hw.event.Event;

/** How one {@link DmaAccess} ended, as the device sees it. */
public sealed interface DmaResult permits DmaResult.Done, DmaResult.Aborted {

    /**
     * Completed: {@code data} holds what a read returned (null for a write). Parts that faulted under
     * CD.A = 0 completed too, reading as zero and ignoring writes; {@code razWiBytes} counts them.
     */
    record Done(byte[] data, int razWiBytes) implements DmaResult {
    }

    /**
     * Terminated with an abort at {@code va} after {@code bytesDone} bytes: by a fault ({@code event}), by
     * software's CMD_RESUME abort or the stall watchdog ({@code event}, stalled), by an aborting
     * configuration ({@code event} null), or by the bus.
     */
    record Aborted(long va, int bytesDone, Event event, String reason) implements DmaResult {
    }
}
