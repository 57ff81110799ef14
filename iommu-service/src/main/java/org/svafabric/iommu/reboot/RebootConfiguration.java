package org.svafabric.iommu.reboot;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.boot.ServiceReboot;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.platform.SmmuUnits;

@Configuration
class RebootConfiguration {

    @Bean
    MachineReboots machineReboots(IommuSva sva, DeviceCatalog catalog, DeviceServiceClient devices,
                                  ObjectProvider<ServiceReboot.Handle> reboot) {
        return new MachineReboots(sva, catalog, devices, reboot.getIfAvailable());
    }

    /** {@code iommu.late-shard-retry} (2s): how often a device-service shard missing from discovery is asked again. */
    @Bean
    LateShards lateShards(DeviceServiceClient devices, DeviceCatalog catalog, SmmuUnits units,
                          @Value("${iommu.late-shard-retry:2s}") Duration interval) {
        return new LateShards(devices, catalog, units, interval);
    }
}
