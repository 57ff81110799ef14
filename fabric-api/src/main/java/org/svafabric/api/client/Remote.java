package org.svafabric.api.client;

import org.svafabric.api.boot.BootId;
import org.svafabric.api.web.FabricProperties;

/**
 * One instance of a remote service as its callers reach it: the service, and for device-service which of its shards
 * ({@code shard} of {@code shards}; every other service has one instance, shard 0 of 1). Each instance has its own
 * circuit breaker ({@link ServiceGuard}) and is its own peer for boot ids ({@link #peer()}).
 */
public record Remote(RemoteService service, int shard, int shards) {

    public Remote {
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards);
        }
    }

    /** The one instance of {@code service} (device-service: its shard 0 when there is one). */
    public static Remote of(RemoteService service) {
        return new Remote(service, 0, 1);
    }

    public static Remote deviceShard(int shard, int shards) {
        return new Remote(RemoteService.DEVICE, shard, shards);
    }

    public boolean sharded() {
        return shards > 1;
    }

    /** Its name as a peer: its {@link BootId} service name ("mm-service", "device-service", "device-service-1"). */
    public String peer() {
        return switch (service) {
            case MM -> BootId.MM;
            case IOMMU -> BootId.IOMMU;
            case DEVICE -> BootId.deviceShard(shard, shards);
        };
    }

    /** "device-service (the devices and their DMA jobs)", or "device-service shard 1 of 2 (...)". */
    public String describe() {
        return sharded() ? service.serviceName() + " shard " + shard + " of " + shards + " (" + service.holds() + " of that shard)"
                : service.describe();
    }

    public String baseUrl(FabricProperties props) {
        return service == RemoteService.DEVICE ? props.services().deviceUrls().get(shard) : service.baseUrl(props);
    }

    @Override
    public String toString() {
        return peer();
    }
}
