package org.svafabric.api.device;

import org.svafabric.api.audit.DeviceAuditApi;

/**
 * device-service's API: the devices, hotplug, DMA jobs and the drivers' mm_exit handlers (for the gateway
 * and iommu-service), and what the SMMU sends a PCIe function ({@link DevicePcieApi}).
 */
public interface DeviceApi extends DeviceDevicesApi, DeviceJobsApi, DevicePcieApi, DeviceTimingApi, DeviceAuditApi {
}
