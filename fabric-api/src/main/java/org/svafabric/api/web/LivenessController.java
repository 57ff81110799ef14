package org.svafabric.api.web;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.HealthApi;

/**
 * /internal/v1/liveness: the liveness state that {@code /actuator/health/liveness} reports, without the actuator's
 * handler, which cost about 0.45 ms more per call than a controller on the 2-core machine (docs/PERFORMANCE.md,
 * issue 10): the view that asks it on every request paid that on every request.
 */
@RestController
public class LivenessController implements LivenessApi {
    private static final HealthApi.Health UP = new HealthApi.Health("UP");
    private static final HealthApi.Health DOWN = new HealthApi.Health("DOWN");

    private final ApplicationAvailability availability;

    public LivenessController(ApplicationAvailability availability) {
        this.availability = availability;
    }

    @Override
    public HealthApi.Health liveness() {
        return availability.getLivenessState() == LivenessState.BROKEN ? DOWN : UP;
    }
}
