package org.svafabric.iommu.telemetry;

import org.svafabric.iommu.hw.SmmuV3;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The SMMU model's own counters (IOTLB, configuration cache, broadcast TLBIs) as smmu.* meters. */
public final class SmmuMeters implements MeterBinder {
    private final SmmuV3 smmu;

    public SmmuMeters(SmmuV3 smmu) {
        this.smmu = smmu;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("smmu.tlb.hits", smmu, m -> m.tlbStats().hits()).description("IOTLB hits").register(registry);
        FunctionCounter.builder("smmu.tlb.misses", smmu, m -> m.tlbStats().misses()).description("IOTLB misses").register(registry);
        FunctionCounter.builder("smmu.tlb.evictions", smmu, m -> m.tlbStats().evictions()).description("IOTLB evictions").register(registry);
        Gauge.builder("smmu.tlb.entries", smmu, m -> m.tlbStats().entries()).description("IOTLB capacity").register(registry);
        FunctionCounter.builder("smmu.btm.applied", smmu, SmmuV3::broadcastsApplied).description("broadcast TLBIs applied").register(registry);
        FunctionCounter.builder("smmu.btm.ignored", smmu, SmmuV3::broadcastsIgnored).description("broadcast TLBIs ignored (PTM or no BTM)").register(registry);
        FunctionCounter.builder("smmu.bad_streamids", smmu, SmmuV3::badStreamIds).description("transactions that reached no STE").register(registry);
    }
}
