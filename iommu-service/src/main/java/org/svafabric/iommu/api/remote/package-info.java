/**
 * The ports of the core, the driver and the SMMU model implemented over the other services' REST APIs:
 * mm-service ({@link org.svafabric.iommu.api.remote.RestMmPort}: processes, ASID pins, MMU notifiers,
 * handle_mm_fault), device-service ({@link org.svafabric.iommu.api.remote.DeviceServiceClient}: mm_exit
 * handlers, PCIe capability control, the device list; {@link org.svafabric.iommu.api.remote.RestDevicePort}: ATS
 * invalidations and PRG responses on the link).
 */
package org.svafabric.iommu.api.remote;
