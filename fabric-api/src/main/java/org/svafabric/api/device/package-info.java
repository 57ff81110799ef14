/**
 * The REST contract of device-service (the PCIe and platform devices and their drivers):
 * request bodies ({@link org.svafabric.api.device.DeviceRequests}), what it answers
 * ({@link org.svafabric.api.device.DeviceViews}), and the bodies of the calls a device makes to
 * the SMMU model in iommu-service ({@link org.svafabric.api.device.IommuCalls}: ATS translation
 * requests, PRI page requests). Addresses are {@link org.svafabric.api.json.Addr}.
 */
package org.svafabric.api.device;
