package org.svafabric.mm.audit;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.audit.AuditViews;

/** The audit's view of mm-service (service credential only, as every internal path). */
@RestController
@RequestMapping("/mm/v1/audit")
public class AuditController {
    private final MmAudit audit;

    public AuditController(MmAudit audit) {
        this.audit = audit;
    }

    @GetMapping
    public AuditViews.Mm view() {
        return audit.view();
    }

    @PostMapping("/translations")
    public List<AuditViews.Translation> translations(@RequestBody List<AuditViews.Translation> asked) {
        return audit.translate(asked);
    }
}
