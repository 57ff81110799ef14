package org.svafabric.mm.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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

    /** Times the bus's two paths where the server observation would: first, around every other filter. */
    @Bean
    FilterRegistrationBean<BusTimers> memoryBusTimers(MeterRegistry registry) {
        FilterRegistrationBean<BusTimers> reg = new FilterRegistrationBean<>(new BusTimers(registry));
        reg.addUrlPatterns(BusWire.READ_PATH, BusWire.WRITE_PATH);
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return reg;
    }

    /** ...and the observation leaves them to it. */
    @Bean
    ObservationPredicate busPathsTimedByTheirFilter() {
        return BusTimers.notTheBus();
    }
}
