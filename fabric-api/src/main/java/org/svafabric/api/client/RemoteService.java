package org.svafabric.api.client;

import org.svafabric.api.web.FabricProperties;

/**
 * The fabric's services as their callers name them: who they are and what they hold, so that a caller that
 * cannot reach one says which part of the machine is missing.
 */
public enum RemoteService {
    MM("mm-service", "RAM, processes"),
    IOMMU("iommu-service", "the SMMU, bonds and PASIDs"),
    DEVICE("device-service", "the devices and their DMA jobs");

    private final String serviceName;
    private final String holds;

    RemoteService(String serviceName, String holds) {
        this.serviceName = serviceName;
        this.holds = holds;
    }

    public String serviceName() {
        return serviceName;
    }

    public String holds() {
        return holds;
    }

    /** "mm-service (RAM, processes)". */
    public String describe() {
        return serviceName + " (" + holds + ")";
    }

    public String baseUrl(FabricProperties props) {
        return switch (this) {
            case MM -> props.services().mm();
            case IOMMU -> props.services().iommu();
            case DEVICE -> props.services().deviceUrls().get(0);
        };
    }
}
