package org.svafabric.api.web;

import org.springframework.web.service.annotation.GetExchange;
import org.svafabric.api.client.HealthApi;

/**
 * Whether a service is there, as cheaply as it can answer: what the actuator's liveness probe reports, served by a
 * plain controller ({@link LivenessController}). GET /api/v1/fabric asks it of mm-service on every view.
 */
public interface LivenessApi {

    /** {@code UP} while the application's liveness state is CORRECT, {@code DOWN} when it is BROKEN (always 200). */
    String PATH = "/internal/v1/liveness";

    @GetExchange(PATH)
    HealthApi.Health liveness();
}
