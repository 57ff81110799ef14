package org.svafabric.iommu.driver;

import org.svafabric.iommu.core.port.Device;

/**
 * The PCIe capability control the driver exercises on an endpoint (Linux {@code pci_enable_pasid},
 * {@code pci_enable_pri}, {@code pci_enable_ats} and their disable forms). The endpoints live in
 * device-service; every call returns once the device's registers changed.
 */
public interface EndpointControl {

    /**
     * Sets the Enable bits of the capabilities named true; {@code outstandingPageRequests} is the PRI
     * Outstanding Page Request Allocation written before PRI is enabled (ignored when {@code pri} is false).
     */
    void enable(Device device, boolean pasid, boolean pri, boolean ats, int outstandingPageRequests);

    /** Clears the Enable bits of the capabilities named true. */
    void disable(Device device, boolean pasid, boolean pri, boolean ats);
}
