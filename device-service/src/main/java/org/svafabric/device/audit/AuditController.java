package org.svafabric.device.audit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.audit.DeviceAuditApi;
import org.svafabric.device.Devices;

/** The audit's view of device-service (service credential only, as every internal path). */
@RestController
public class AuditController implements DeviceAuditApi {
    private final DeviceAudit audit;

    public AuditController(DeviceAudit audit) {
        this.audit = audit;
    }

    @Override
    public AuditViews.Device audit() {
        return audit.view();
    }

    @Configuration
    static class AuditConfiguration {
        @Bean
        DeviceAudit deviceAudit(Devices devices) {
            return new DeviceAudit(devices);
        }
    }
}
