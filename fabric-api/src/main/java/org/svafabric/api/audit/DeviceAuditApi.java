package org.svafabric.api.audit;

import org.springframework.web.service.annotation.GetExchange;

/** device-service's side of the invariant audit (service credential only, as every internal path). */
public interface DeviceAuditApi {

    /** The endpoints' ATCs and jobs, as the audit joins them. */
    @GetExchange("/device/v1/audit")
    AuditViews.Device audit();
}
