package org.svafabric.mm.reboot;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.ram.KernelPageAllocator;

@Configuration
class RebootConfiguration {

    @Bean
    IommuReboots iommuReboots(ProcessTable processes, KernelPageAllocator kernelPages, AsidAllocator asids, FabricProperties props) {
        return new IommuReboots(processes, kernelPages, asids, props.services().iommu());
    }
}
