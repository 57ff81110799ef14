package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.svafabric.api.web.LivenessApi;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.bus.MemoryBusApi;
import org.svafabric.api.contract.Contracts;
import org.svafabric.api.events.EventLogApi;
import org.svafabric.api.faults.FaultApi;
import org.svafabric.api.mm.MmApi;

/**
 * What Spring MVC maps in mm-service is exactly what the fabric-api contract ({@link MmApi}, {@link MemoryBusApi})
 * declares, and the bus's data path ({@link BusWire}) is the bus servlet's, exactly its two paths.
 */
class ContractTest extends HttpTestBase {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    ServletRegistrationBean<BusServlet> memoryBusServlet;

    @Test
    void theControllersServeTheContractAndNothingElse() {
        Set<String> served = Contracts.served(mappings);
        Set<String> declared = Contracts.exchanges(MmApi.class, MemoryBusApi.class, EventLogApi.class, FaultApi.class, LivenessApi.class);
        assertThat(declared).hasSizeGreaterThan(20);
        assertThat(served).containsAll(declared);
        assertThat(served.stream().filter(s -> s.contains("/mm/v1/") || s.contains("/internal/v1/"))).containsExactlyInAnyOrderElementsOf(declared);
        assertThat(memoryBusServlet.getUrlMappings()).containsExactlyInAnyOrder(BusWire.READ_PATH, BusWire.WRITE_PATH);
        assertThat(served).noneMatch(s -> s.endsWith(BusWire.READ_PATH) || s.endsWith(BusWire.WRITE_PATH));
    }
}
