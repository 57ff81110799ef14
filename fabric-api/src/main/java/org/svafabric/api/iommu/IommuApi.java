package org.svafabric.api.iommu;

import org.svafabric.api.audit.IommuAuditApi;

/**
 * iommu-service's API for software (the gateway, the device drivers in device-service): the devices and the SVA
 * bind API, private domains, PASID lookups, the SMMU. What devices send the SMMU over the link is
 * {@link SmmuPortApi}; what mm-service calls back is {@link MmNotifierCallbackApi}.
 */
public interface IommuApi extends IommuDeviceApi, IommuDomainApi, IommuSvaApi, SmmuApi, IommuEventsApi, IommuAuditApi {
}
