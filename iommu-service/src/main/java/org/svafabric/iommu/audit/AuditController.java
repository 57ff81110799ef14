package org.svafabric.iommu.audit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.audit.IommuAuditApi;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.platform.SmmuUnits;

/** The audit's view of iommu-service (service credential only, as every internal path). */
@RestController
public class AuditController implements IommuAuditApi {
    private final SmmuAudit audit;

    public AuditController(SmmuAudit audit) {
        this.audit = audit;
    }

    @Override
    public AuditViews.Iommu audit() {
        return audit.view();
    }

    @Configuration
    static class AuditConfiguration {
        @Bean
        SmmuAudit smmuAudit(SmmuUnits units, IommuSva sva) {
            return new SmmuAudit(units.drivers(), sva);
        }
    }
}
