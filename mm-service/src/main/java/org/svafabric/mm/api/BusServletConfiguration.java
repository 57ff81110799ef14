package org.svafabric.mm.api;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.bus.BusWire;
import org.svafabric.mm.bus.PhysicalMemoryBus;
import org.svafabric.mm.process.Machine;

/** Registers {@link BusServlet} for exactly the bus's two data paths; every other path stays Spring MVC's. */
@Configuration(proxyBeanMethods = false)
class BusServletConfiguration {

    @Bean
    ServletRegistrationBean<BusServlet> memoryBusServlet(PhysicalMemoryBus bus, Machine machine) {
        // Data plus one header per 4 KiB page is the most a sensible batch carries.
        long maxBody = machine.maxAccessBytes() + (machine.maxAccessBytes() / 4096 + 1) * BusWire.HEADER_BYTES;
        ServletRegistrationBean<BusServlet> reg = new ServletRegistrationBean<>(new BusServlet(bus, maxBody),
                BusWire.READ_PATH, BusWire.WRITE_PATH);
        reg.setName("memoryBus");
        reg.setLoadOnStartup(1);
        return reg;
    }
}
