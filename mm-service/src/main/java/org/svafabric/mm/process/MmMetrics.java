package org.svafabric.mm.process;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of the CPU side's memory management: faults by kind, swap traffic. */
public final class MmMetrics {
    final Counter anonFaults;
    final Counter swapInFaults;
    final Counter minorFaults;
    final Counter failedFaults;
    public final Counter swapOuts;
    public final Counter agedPages;

    public MmMetrics(MeterRegistry meters) {
        anonFaults = Counter.builder("mm.faults").tag("kind", "anon").description("zero-filled pages faulted in").register(meters);
        swapInFaults = Counter.builder("mm.faults").tag("kind", "swapin").description("pages read back from swap").register(meters);
        minorFaults = Counter.builder("mm.faults").tag("kind", "minor").description("faults on present pages (access/dirty update)").register(meters);
        failedFaults = Counter.builder("mm.faults").tag("kind", "failed").description("faults refused: no VMA or no permission").register(meters);
        swapOuts = Counter.builder("mm.swap.outs").description("pages written to swap").register(meters);
        agedPages = Counter.builder("mm.reclaim.aged").description("pages whose Access Flag was cleared to age them").register(meters);
    }

    public double swapIns() {
        return swapInFaults.count();
    }
}
