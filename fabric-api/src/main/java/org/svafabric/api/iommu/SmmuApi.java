package org.svafabric.api.iommu;

import java.util.List;

import org.springframework.web.service.annotation.GetExchange;

/** The SMMUs as their drivers found them at probe. */
public interface SmmuApi {

    /**
     * The first SMMU (a one-SMMU machine's only one): decoded ID registers, stream table and CD formats, whether
     * SVA is available, the SMMU's counters.
     */
    @GetExchange("/iommu/v1/smmu")
    IommuViews.Smmu smmu();

    /** Every SMMU of the machine, in the topology's order, each as {@link #smmu()} shows one. */
    @GetExchange("/iommu/v1/smmus")
    List<IommuViews.Smmu> smmus();

    /**
     * What GET /api/v1/fabric reads of iommu-service, in one call: {@link #smmus()} and the faults armed here (the
     * view's two questions to this service were two round trips).
     */
    @GetExchange("/iommu/v1/fabric")
    IommuViews.FabricPart fabric();
}
