package org.svafabric.iommu.hw.stall;

import java.util.concurrent.CompletionStage;

import org.svafabric.iommu.hw.event.Event;

/**
 * Holds a stalled transaction: assigns a STAG, records {@code fault} in the event queue with
 * STALL = 1 and that STAG, and completes the returned stage when software answers with
 * CMD_RESUME: {@code true} for Retry (translate again), {@code false} for Abort (or when the
 * watchdog gave up on it). No thread waits meanwhile.
 */
public interface StallHold {
    CompletionStage<Boolean> hold(Event fault);
}
