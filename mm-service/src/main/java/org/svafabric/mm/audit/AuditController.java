package org.svafabric.mm.audit;

import java.util.List;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.audit.MmAuditApi;

/** The audit's view of mm-service (service credential only, as every internal path). */
@RestController
public class AuditController implements MmAuditApi {
    private final MmAudit audit;

    public AuditController(MmAudit audit) {
        this.audit = audit;
    }

    @Override
    public AuditViews.Mm audit() {
        return audit.view();
    }

    @Override
    public List<AuditViews.Translation> translations(List<AuditViews.Translation> asked) {
        return audit.translate(asked);
    }
}
