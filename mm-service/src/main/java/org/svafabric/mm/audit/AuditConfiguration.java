package org.svafabric.mm.audit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Ram;

@Configuration
class AuditConfiguration {

    @Bean
    MmAudit mmAudit(ProcessTable processes, KernelPageAllocator kernelPages, Ram ram) {
        return new MmAudit(processes, kernelPages, ram);
    }
}
