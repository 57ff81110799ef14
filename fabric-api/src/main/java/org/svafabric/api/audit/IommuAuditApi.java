package org.svafabric.api.audit;

import org.springframework.web.service.annotation.GetExchange;

/** iommu-service's side of the invariant audit (service credential only, as every internal path). */
public interface IommuAuditApi {

    /** The SMMU's STEs and CDs, the bonds and PASIDs, as the audit joins them. */
    @GetExchange("/iommu/v1/audit")
    AuditViews.Iommu audit();
}
