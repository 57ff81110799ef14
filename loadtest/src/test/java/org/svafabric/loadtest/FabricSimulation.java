package org.svafabric.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import java.time.Duration;
import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * What every simulation here shares: the target from system properties, SVA set up on the
 * devices before the first user, and the run's own assertions: no more failed requests than
 * {@code maxFailedPercent} (default none; every check failure, 4xx or 5xx counts), and at least
 * one request made (a run that did nothing is not a pass).
 */
abstract class FabricSimulation extends Simulation {
    protected final FabricTarget target = FabricTarget.fromSystemProperties();

    protected PopulationBuilder users(ScenarioBuilder scenario, int users) {
        return target.ramp().isZero() ? scenario.injectOpen(atOnceUsers(users))
                : scenario.injectOpen(rampUsers(users).during(target.ramp()));
    }

    /** As {@link #users}, arriving {@code delay} after the start. */
    protected PopulationBuilder usersAfter(Duration delay, ScenarioBuilder scenario, int users) {
        return target.ramp().isZero() ? scenario.injectOpen(nothingFor(delay), atOnceUsers(users))
                : scenario.injectOpen(nothingFor(delay), rampUsers(users).during(target.ramp()));
    }

    protected void run(PopulationBuilder... populations) {
        setUp(List.of(populations)).protocols(Steps.protocol(target)).assertions(
                global().failedRequests().percent().lte(target.maxFailedPercent()),
                global().allRequests().count().gt(0L));
    }

    @Override
    public void before() {
        System.out.println("sva-fabric load test against " + target.baseUrl() + ": " + target.users() + " users per scenario, "
                + target.duration().toSeconds() + " s, buffers of " + target.bufferBytes() + " bytes, devices " + target.devices());
        FabricSetup.prepareDevices(target);
    }
}
