package org.svafabric.api.audit;

import java.util.List;

import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;

/** mm-service's side of the invariant audit (service credential only, as every internal path). */
public interface MmAuditApi {

    /** RAM's frames, the processes and their pins, as the audit joins them. */
    @GetExchange("/mm/v1/audit")
    AuditViews.Mm audit();

    /** The CPU's current translation of each (pid, va); pa null if none. */
    @PostExchange("/mm/v1/audit/translations")
    List<AuditViews.Translation> translations(@RequestBody List<AuditViews.Translation> asked);
}
