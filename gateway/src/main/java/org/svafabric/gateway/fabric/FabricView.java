package org.svafabric.gateway.fabric;

import java.util.List;

import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.iommu.IommuViews;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The machine at a glance. {@code smmu} is the first SMMU (a one-SMMU machine's only one), {@code smmus} every
 * SMMU with its own features and counters. {@code smmu}, {@code smmus} or {@code devices} is absent when the
 * service that holds it did not answer; {@code unavailable} then says why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FabricView(IommuViews.Smmu smmu, List<IommuViews.Smmu> smmus, List<DeviceViews.Device> devices,
                         Services services, FabricFaults.Summary faults, List<Unavailable> unavailable) {

    /**
     * Each service of the fabric with its health (the actuator's status: UP, DOWN, ...). With several device-service
     * shards, {@code deviceShards} has one entry per shard, and {@code device} is UP only when every shard is (else
     * the first shard's status that is not UP, its error naming the shards that are not).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Services(Health gateway, Health mm, Health iommu, Health device, List<ShardHealth> deviceShards) {
        public Services(Health gateway, Health mm, Health iommu, Health device) {
            this(gateway, mm, iommu, device, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(String url, String status, String error) {
    }

    /** One device-service shard's health. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ShardHealth(int shard, String url, String status, String error) {
    }

    /** A part of the view that could not be read: {@code part} is "smmu" or "devices". */
    public record Unavailable(String part, String error, String errno) {
    }
}
