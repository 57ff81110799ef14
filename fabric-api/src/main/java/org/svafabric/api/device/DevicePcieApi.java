package org.svafabric.api.device;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.PostExchange;

/**
 * What the SMMU and its driver (iommu-service) send a PCIe function: capability control at SVA init, ATS
 * Invalidation Requests, PRG Responses.
 */
public interface DevicePcieApi {

    /** A flag set to true names a capability to enable. */
    @PostExchange("/device/v1/devices/{id}/pcie/enable")
    ResponseEntity<Void> enable(@PathVariable("id") String id, @RequestBody DeviceRequests.PcieControl body);

    /** A flag set to true names a capability to disable. */
    @PostExchange("/device/v1/devices/{id}/pcie/disable")
    ResponseEntity<Void> disable(@PathVariable("id") String id, @RequestBody DeviceRequests.PcieControl body);

    /** Answers only once the entries are gone and the accesses that may have used them finished. */
    @PostExchange("/device/v1/devices/{id}/ats/invalidate")
    DeviceViews.AtcInvalidated atcInvalidate(@PathVariable("id") String id, @RequestBody DeviceRequests.AtcInvalidation body);

    /** The PRG Response Message for one page-request group; 204. */
    @PostExchange("/device/v1/devices/{id}/pri/responses")
    ResponseEntity<Void> prgResponse(@PathVariable("id") String id, @RequestBody DeviceRequests.PrgResponse body);
}
