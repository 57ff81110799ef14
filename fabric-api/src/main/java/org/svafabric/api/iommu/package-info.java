/**
 * The REST contract of iommu-service: {@link org.svafabric.api.iommu.IommuApi} for software (devices and the SVA
 * bind API, private domains, PASID lookups, the SMMU), {@link org.svafabric.api.iommu.SmmuPortApi} for what
 * devices send upstream, {@link org.svafabric.api.iommu.MmNotifierCallbackApi} for mm-service's MMU-notifier
 * calls, and their request and response records.
 */
package org.svafabric.api.iommu;
