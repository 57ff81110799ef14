package org.svafabric.api.iommu;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

/** The SVA core's PASID lookups. */
public interface IommuSvaApi {

    /** iommu_sva_find(pasid): the live address space bound there and its devices; ESRCH (404) otherwise. */
    @GetExchange("/iommu/v1/sva/pasids/{pasid}")
    IommuViews.Pasid find(@PathVariable("pasid") int pasid);

    /** Who holds an allocated PASID, whatever its io_mm's state; ESRCH (404) only once the PASID is free. */
    @GetExchange("/iommu/v1/sva/pasids/{pasid}/holder")
    PasidView holder(@PathVariable("pasid") int pasid);
}
