package org.svafabric.iommu.reboot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.boot.ServiceReboot;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.core.sva.IommuSva;

@Configuration
class RebootConfiguration {

    @Bean
    MachineReboots machineReboots(IommuSva sva, DeviceCatalog catalog, DeviceServiceClient devices,
                                  ObjectProvider<ServiceReboot.Handle> reboot) {
        return new MachineReboots(sva, catalog, devices::devices, reboot.getIfAvailable());
    }
}
