package org.svafabric.api.boot;

import java.util.UUID;

/**
 * One boot of one service: a random id drawn when its application context starts. Every answer a service
 * gives carries it in {@value #HEADER}, and every call it makes carries it too, with its name in
 * {@value #SERVICE_HEADER}; a peer that sees a new id knows the service rebooted and lost what it held in
 * memory (mm-service: RAM and everything the SMMU kept there; iommu-service: the SMMU and its driver).
 *
 * @param service the service's name ({@code spring.application.name})
 * @param id      the id of this boot
 */
public record BootId(String service, String id) {
    /** The boot id of the service that answers, or of the service that calls. */
    public static final String HEADER = "Fabric-Boot-Id";
    /** The name of the calling service, beside {@link #HEADER} on a service-to-service request. */
    public static final String SERVICE_HEADER = "Fabric-Service";

    public static final String MM = "mm-service";
    public static final String IOMMU = "iommu-service";
    public static final String DEVICE = "device-service";
    public static final String GATEWAY = "gateway";

    /**
     * The name a device-service shard goes by as a peer: {@value #DEVICE} when there is one shard (as before shards),
     * {@code device-service-<shard>} for each of several, so that every shard is a peer of its own and a shard's
     * reboot is told apart from its neighbours' boot ids.
     */
    public static String deviceShard(int shard, int shards) {
        return shards <= 1 ? DEVICE : DEVICE + "-" + shard;
    }

    /** Whether {@code service} names device-service or one of its shards. */
    public static boolean isDevice(String service) {
        return service != null && (service.equals(DEVICE) || deviceShardOf(service) >= 0);
    }

    /** The shard {@code service} names: 0 for {@value #DEVICE}, k for {@code device-service-k}, -1 for another service. */
    public static int deviceShardOf(String service) {
        if (DEVICE.equals(service)) {
            return 0;
        }
        if (service == null || !service.startsWith(DEVICE + "-")) {
            return -1;
        }
        try {
            return Integer.parseInt(service.substring(DEVICE.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static BootId generate(String service) {
        return new BootId(service, UUID.randomUUID().toString());
    }
}
