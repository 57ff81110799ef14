/**
 * iommu-service's REST layer: thin controllers over the driver ({@link org.svafabric.iommu.driver.ArmSmmuV3}),
 * the SVA core ({@link org.svafabric.iommu.core.sva.IommuSva}) and the SMMU model's device ports
 * ({@link org.svafabric.iommu.api.SmmuPorts}), and the catalog of devices behind the SMMU
 * ({@link org.svafabric.iommu.api.DeviceCatalog}). Outbound adapters of the core's and the driver's ports live
 * in {@code org.svafabric.iommu.client}.
 */
package org.svafabric.iommu.api;
