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

    public static BootId generate(String service) {
        return new BootId(service, UUID.randomUUID().toString());
    }
}
