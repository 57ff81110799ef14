package org.svafabric.api.iommu;

import java.util.List;

import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.svafabric.api.events.FabricEvent;

/** iommu-service's own event log: SMMU events, faults, invalidations. */
public interface IommuEventsApi {

    /** Oldest first, paged; {@code since}: an ISO-8601 instant. */
    @GetExchange("/iommu/v1/events")
    List<FabricEvent> events(@RequestParam(name = "type", required = false) String type,
                             @RequestParam(name = "device", required = false) String device,
                             @RequestParam(name = "pasid", required = false) Integer pasid,
                             @RequestParam(name = "pid", required = false) Long pid,
                             @RequestParam(name = "since", required = false) String since,
                             @RequestParam(name = "page", defaultValue = "0") int page,
                             @RequestParam(name = "size", defaultValue = "100") int size);
}
