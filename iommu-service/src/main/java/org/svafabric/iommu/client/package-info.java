/**
 * Outbound clients: the ports of the core, the driver and the SMMU model implemented over the other services'
 * typed APIs (fabric-api): mm-service ({@link org.svafabric.iommu.client.RestMmPort} over
 * {@link org.svafabric.api.mm.MmApi}: processes, ASID pins, MMU notifiers, handle_mm_fault), device-service
 * ({@link org.svafabric.iommu.client.DeviceServiceClient} over {@link org.svafabric.api.device.DeviceApi}: mm_exit
 * handlers, PCIe capability control, the device list; {@link org.svafabric.iommu.client.RestDevicePort} over
 * {@link org.svafabric.api.device.DevicePcieApi}: ATS invalidations and PRG responses on the link). Failures of the
 * link are handled once, in {@link org.svafabric.api.client.ServiceClients}.
 */
package org.svafabric.iommu.client;
