package org.svafabric.api.client;

import org.springframework.web.service.annotation.GetExchange;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Spring Boot Actuator's health endpoint, which every service exposes (open, without the service credential). */
public interface HealthApi {

    /** UP, DOWN, OUT_OF_SERVICE or UNKNOWN; the components' details are not read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Health(String status) {
    }

    @GetExchange("/actuator/health")
    Health health();
}
