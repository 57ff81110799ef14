package org.svafabric.api.mm;

import org.svafabric.api.audit.MmAuditApi;

/**
 * mm-service's API as the other services call it ("the CPU side and all RAM"): processes, their memory,
 * MMU-notifier subscriptions and RAM. Each part is served by the controller that implements it; the memory
 * bus has its own contract ({@link org.svafabric.api.bus.MemoryBusApi}).
 */
public interface MmApi extends MmProcessApi, MmMemoryApi, MmNotifierApi, MmRamApi, MmAuditApi {
}
