package org.svafabric.mm.process;

import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.notifier.MmuNotifiers;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.swap.SwapStore;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The parts of the simulated machine every mm shares: RAM and its allocator, the swap device,
 * the ASID allocator, the MMU-notifier machinery, and metrics. {@code maxAccessBytes} caps one
 * CPU read or write through the API.
 */
public record Machine(Ram ram, FrameAllocator frames, SwapStore swap, AsidAllocator asids, MmuNotifiers notifiers,
                      MmMetrics metrics, MeterRegistry meters, long maxAccessBytes) {
}
