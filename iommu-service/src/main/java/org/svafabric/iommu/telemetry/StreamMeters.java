package org.svafabric.iommu.telemetry;

import java.util.function.ToLongFunction;

import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.cache.StreamCounters;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The model's per-StreamID counters as smmu.stream.* meters tagged with the StreamID and the device, registered
 * when a device appears behind the SMMU.
 */
public final class StreamMeters {
    private final String name;
    private final SmmuV3 smmu;
    private final MeterRegistry registry;

    /** Streams of SMMU {@code name}: tagged with it, since StreamIDs are per SMMU. */
    public StreamMeters(String name, SmmuV3 smmu, MeterRegistry registry) {
        this.name = name;
        this.smmu = smmu;
        this.registry = registry;
    }

    public void register(Device device) {
        Tags tags = Tags.of("smmu", name, "sid", "0x" + Integer.toHexString(device.sid()), "device", device.id());
        counter("smmu.stream.translations", "translations of the stream", tags, device.sid(), StreamCounters.Snapshot::translations);
        counter("smmu.stream.tlb.hits", "translations served by the IOTLB", tags, device.sid(), StreamCounters.Snapshot::tlbHits);
        counter("smmu.stream.walks", "table walks", tags, device.sid(), StreamCounters.Snapshot::walks);
        counter("smmu.stream.faults", "translations that faulted", tags, device.sid(), StreamCounters.Snapshot::faults);
        counter("smmu.stream.ats.requests", "ATS translation requests", tags, device.sid(), StreamCounters.Snapshot::atsRequests);
    }

    private void counter(String name, String description, Tags tags, int sid, ToLongFunction<StreamCounters.Snapshot> value) {
        FunctionCounter.builder(name, smmu, s -> {
            StreamCounters.Snapshot snap = s.streamStats().get(sid);
            return snap == null ? 0 : value.applyAsLong(snap);
        }).description(description).tags(tags).register(registry);
    }
}
