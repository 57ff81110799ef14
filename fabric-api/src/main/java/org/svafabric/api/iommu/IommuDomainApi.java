package org.svafabric.api.iommu;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;

/** Private domains for classical DMA (what VFIO type1 builds on): create, attach, map, unmap, free. */
public interface IommuDomainApi {

    /** Creates the domain and attaches every listed device, all or nothing; 201. */
    @PostExchange("/iommu/v1/domains")
    ResponseEntity<IommuViews.Domain> createDomain(@RequestBody(required = false) IommuRequests.CreateDomain body);

    @GetExchange("/iommu/v1/domains")
    List<IommuViews.Domain> domains();

    @GetExchange("/iommu/v1/domains/{id}")
    IommuViews.Domain domain(@PathVariable("id") long id);

    @PostExchange("/iommu/v1/domains/{id}/devices/{dev}")
    ResponseEntity<Void> attach(@PathVariable("id") long id, @PathVariable("dev") String dev);

    @DeleteExchange("/iommu/v1/domains/{id}/devices/{dev}")
    ResponseEntity<Void> detach(@PathVariable("id") long id, @PathVariable("dev") String dev);

    /** Maps consecutive pages from {@code iova}; 204. */
    @PostExchange("/iommu/v1/domains/{id}/map")
    ResponseEntity<Void> map(@PathVariable("id") long id, @RequestBody IommuRequests.MapPages body);

    /** Unmaps and invalidates (TLBI, ATC_INV, CMD_SYNC) before answering the size unmapped. */
    @PostExchange("/iommu/v1/domains/{id}/unmap")
    IommuViews.Unmapped unmap(@PathVariable("id") long id, @RequestBody IommuRequests.Unmap body);

    /** Detaches whatever is still attached, then frees the domain. */
    @DeleteExchange("/iommu/v1/domains/{id}")
    ResponseEntity<Void> freeDomain(@PathVariable("id") long id);
}
