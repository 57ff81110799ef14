package org.svafabric.loadtest;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * The load shapes, each a virtual user's life: set up its process and buffers, repeat one kind of
 * work for the run's duration, tear down (unbind, exit). The first failed request ends the
 * user's work (it is counted, and the run's assertion sees it); whatever the user had bound or
 * created is then still released, so a failing run leaves no process or bond behind. Rounds run
 * to their end when the duration is over ({@code exitASAP} off), so none is cut between a bind and
 * its unbind.
 */
final class Scenarios {
    /** The exit-during-DMA jobs are this many buffers long, so that the exit usually overtakes them. */
    static final int EXIT_JOB_BUFFERS = 16;
    private static final int MAX_POLLS = 3000;

    private Scenarios() {
    }

    /** iommu_sva_bind_device / iommu_sva_find / iommu_sva_unbind_device, over and over on one process. */
    static ScenarioBuilder bindChurn(FabricTarget t) {
        return scenario("bind/unbind churn").exec(life(
                exec(Steps.newProcess(t, "churn", t.bufferBytes()))
                        .during(t.duration(), false).on(exec(Steps.bind(), Steps.find(), Steps.unbind(), forget("pasid")))
                        .exec(Steps.exitProcess(), forget("pid"))));
    }

    /**
     * Warm DMA: both buffers resident and the ATC filled by a first copy; then each round writes a
     * new source, copies it, and reads the destination back.
     */
    static ScenarioBuilder warmDmaStorm(FabricTarget t) {
        return scenario("warm DMA storm").exec(life(
                exec(Steps.newProcess(t, "warm", t.bufferBytes()), Steps.mmapBuffers(true), Steps.bind(),
                        Steps.writeFreshSource(), Steps.memcpy("memcpy (warm-up)"))
                        .during(t.duration(), false).on(exec(Steps.writeFreshSource(), Steps.memcpy("memcpy warm"), Steps.verifyDestination()))
                        .exec(teardown())));
    }

    /**
     * Cold faults: every round maps a fresh destination nobody touched, so the copy faults each of
     * its pages through PRI (or stalls on the platform device); then it is read back and unmapped
     * (which invalidates the IOTLB and ATC entries the copy created).
     */
    static ScenarioBuilder coldFaultStorm(FabricTarget t) {
        return scenario("cold fault storm").exec(life(
                exec(Steps.newProcess(t, "cold", t.bufferBytes()), Steps.mmapBuffers(false), Steps.bind(), Steps.writeFreshSource())
                        .during(t.duration(), false).on(exec(Steps.mmapColdDestination(), Steps.memcpyFaulting("memcpy cold"),
                                Steps.verifyDestination(), Steps.munmapDestination()))
                        .exec(teardown())));
    }

    /**
     * Reclaim under DMA: each round writes a new source, swaps both buffers out, copies (every page
     * swapped back in by the fault path), reads the destination back and has the device compare.
     */
    static ScenarioBuilder reclaimingCopier(FabricTarget t) {
        return scenario("copy under reclaim").exec(life(
                exec(Steps.newProcess(t, "reclaim", t.bufferBytes()), Steps.mmapBuffers(false), Steps.bind())
                        .during(t.duration(), false).on(exec(Steps.writeFreshSource(), Steps.reclaimBuffers(),
                                Steps.memcpyFaulting("memcpy after reclaim"), Steps.verifyDestination(), Steps.compareOnDevice()))
                        .exec(teardown())));
    }

    /**
     * Process exit during DMA: a short-lived process binds, starts a long cold copy and exits
     * at once. The job must end COMPLETED or ABORTED (mm_exit stopped it), never stay running or
     * FAULT, and the PASID must no longer lead to that process. The exit released the bond and freed
     * the PASID (v1), so nobody unbinds it afterwards: the number may already name another user's process.
     */
    static ScenarioBuilder exitDuringDma(FabricTarget t) {
        long length = t.bufferBytes() * EXIT_JOB_BUFFERS;
        return scenario("exit during DMA").exec(life(
                during(t.duration(), false).on(exec(
                        Steps.newProcess(t, "exiting", length), Steps.mmapBuffers(false), Steps.bind(), Steps.writeFreshSource(),
                        Steps.submitMemcpy("memcpy, then exit"), Steps.exitProcess(),
                        exec(s -> s.set("exitedPasid", s.getInt("pasid")).remove("pasid").remove("jobStatus").set("polls", 0)),
                        asLongAs(s -> Steps.jobActive(s) && s.getInt("polls") < MAX_POLLS).on(
                                exec(http("job after exit").get("#{jobUrl}").asJson()
                                        .check(status().is(200), jmesPath("status").in("QUEUED", "RUNNING", "COMPLETED", "ABORTED")
                                                .saveAs("jobStatus")))
                                        .exec(s -> s.set("polls", s.getInt("polls") + 1))
                                        .pause(Duration.ofMillis(20))),
                        // Fails (KO) if the job still runs after MAX_POLLS, or ended any other way.
                        exec(http("job ended after exit").get("#{jobUrl}").asJson()
                                .check(status().is(200), jmesPath("status").in("COMPLETED", "ABORTED"))),
                        // Freed at exit, so iommu_sva_find answers 404, unless another bind took the number since.
                        exec(http("PASID released").get(Steps.API + "/sva/pasids/#{exitedPasid}").asJson()
                                .check(status().in(200, 404), jmesPath("pid").ofLong().not(s -> s.getLong("pid"))
                                        .name("the PASID no longer leads to the exited process"))),
                        forget("exitedPasid"), forget("pid")))));
    }

    private static ChainBuilder teardown() {
        return exec(Steps.unbind(), forget("pasid"), Steps.exitProcess(), forget("pid"));
    }

    /**
     * A user's work, ended by its first failure; then what it still holds (a bond, a process)
     * is released. The cleanup's answers may be 404 (the failure may have been an exit).
     */
    private static ChainBuilder life(ChainBuilder work) {
        return exec(exitBlockOnFail().on(work))
                .doIf(s -> s.contains("pasid")).then(exec(http("cleanup: unbind").delete(Steps.API + "/devices/#{device}/sva/bonds/#{pasid}")
                        .check(status().in(204, 404))))
                .doIf(s -> s.contains("pid")).then(exec(http("cleanup: exit").delete(Steps.API + "/processes/#{pid}")
                        .check(status().in(202, 404))));
    }

    private static ChainBuilder forget(String attribute) {
        return exec(s -> s.remove(attribute));
    }
}
