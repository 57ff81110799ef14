package org.svafabric.api.iommu;

import org.springframework.web.service.annotation.GetExchange;

/** The SMMU as its driver found it at probe. */
public interface SmmuApi {

    /** Decoded ID registers, stream table and CD formats, whether SVA is available, the SMMU's counters. */
    @GetExchange("/iommu/v1/smmu")
    IommuViews.Smmu smmu();
}
