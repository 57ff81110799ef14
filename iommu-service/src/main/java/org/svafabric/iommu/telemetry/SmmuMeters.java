package org.svafabric.iommu.telemetry;

import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.pri.PriQueue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The SMMU model's own counters (IOTLB, configuration cache, broadcast TLBIs) and its PRI queue's
 * occupancy, overflow losses and automatic responses, as smmu.* meters. The names are what the
 * Grafana dashboard (docs/monitoring/grafana) queries: keep them stable.
 */
public final class SmmuMeters implements MeterBinder {
    private final Tags name;
    private final SmmuV3 smmu;
    private final PriQueue priq;

    /** The meters of SMMU {@code name}, tagged {@code smmu=<name>}. */
    public SmmuMeters(String name, SmmuV3 smmu, PriQueue priq) {
        this.name = Tags.of("smmu", name);
        this.smmu = smmu;
        this.priq = priq;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("smmu.tlb.hits", smmu, m -> m.tlbStats().hits()).description("IOTLB hits").tags(name).register(registry);
        FunctionCounter.builder("smmu.tlb.misses", smmu, m -> m.tlbStats().misses()).description("IOTLB misses").tags(name).register(registry);
        FunctionCounter.builder("smmu.tlb.evictions", smmu, m -> m.tlbStats().evictions()).description("IOTLB evictions").tags(name).register(registry);
        Gauge.builder("smmu.tlb.entries", smmu, m -> m.tlbStats().entries()).description("IOTLB capacity").tags(name).register(registry);
        FunctionCounter.builder("smmu.btm.applied", smmu, SmmuV3::broadcastsApplied).description("broadcast TLBIs applied").tags(name).register(registry);
        FunctionCounter.builder("smmu.btm.ignored", smmu, SmmuV3::broadcastsIgnored).description("broadcast TLBIs ignored (PTM or no BTM)").tags(name).register(registry);
        FunctionCounter.builder("smmu.bad_streamids", smmu, SmmuV3::badStreamIds).description("transactions that reached no STE").tags(name).register(registry);
        Gauge.builder("smmu.priq.depth", priq, PriQueue::depth)
                .description("PRI queue entries written by the SMMU and not yet consumed by the driver").tags(name).register(registry);
        FunctionCounter.builder("smmu.priq.lost", priq, PriQueue::lostRequests)
                .description("page requests the SMMU discarded while the PRI queue overflowed").tags(name).register(registry);
        FunctionCounter.builder("smmu.priq.auto_responses", priq, PriQueue::autoResponses)
                .description("PRG responses the SMMU sent itself (overflow, PRI queue disabled)").tags(name).register(registry);
    }
}
