package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import tools.jackson.databind.JsonNode;

/**
 * A process exits while its device copies, and its exit waits for what the device is still doing: the MMU
 * notifier's release runs the device driver's mm_exit handler, which waits for the job's page request in flight
 * before the job stops. On a just-started fabric those first page requests are slow; here one PRG Response is held
 * back for longer than an invalidate_range may take (mm.notifier.timeout, 5 s), within the device's PRG response
 * timeout. The exit used to be bounded by that 5 s and answered 504, the process left EXITING with its memory.
 *
 * <p>A fabric of its own with the shipped timeouts, so that they are what is tested, and the injected fault never
 * reaches the shared fabric of the other tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExitDuringDmaTest {
    private static final int HELD_BACK_MILLIS = 8000;
    private static final long LENGTH = 4 << 20;

    private Fabric fabric;
    private Story s;
    private Api admin;

    @BeforeAll
    void boot() throws Exception {
        fabric = Fabric.start();
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
        admin = s.api().as(Fabric.ADMIN_TOKEN);
    }

    @AfterAll
    void shutdown() {
        if (fabric != null) {
            fabric.close();
        }
    }

    @Test
    void anExitWaitingForTheDevicesPageRequestCompletesAndItsJobEndsAborted() {
        long pid = s.process("exits-during-dma");
        long src = s.mmap(pid, LENGTH, "rw");
        long dst = s.mmap(pid, LENGTH, "rw");
        s.svaInit(Story.SVA_DEV);
        assertThat(s.api().put("/devices/" + Story.SVA_DEV + "/sva/mm-exit-handler", Map.of("policy", "stop-dma")).status()).isEqualTo(204);
        int pasid = s.bind(Story.SVA_DEV, pid);
        Api.Response armed = admin.put("/fabric/faults", Map.of("faults", List.of(
                Map.of("kind", "prg-response-delay", "device", Story.SVA_DEV, "count", 1, "delayMillis", HELD_BACK_MILLIS))));
        assertThat(armed.status()).as(armed.toString()).isEqualTo(200);
        try {
            Api.Response submitted = s.api().post("/devices/" + Story.SVA_DEV + "/jobs",
                    Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", LENGTH));
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
            String jobId = submitted.json().path("jobId").asString();
            // The exit must find the job waiting for its first page request group, whose response is held back.
            await().atMost(Duration.ofSeconds(HELD_BACK_MILLIS / 2000)).pollInterval(Duration.ofMillis(20)).until(() ->
                    s.api().get("/jobs/" + jobId).json().at("/faults/groups").asLong() >= 1);

            Api.Response exit = s.api().delete("/processes/" + pid);

            assertThat(exit.status()).as(exit.toString()).isEqualTo(202);
            assertThat(exit.json().path("state").asString()).as("the exit completed").isEqualTo("EXITED");
            JsonNode job = s.api().get("/jobs/" + jobId).json();
            assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("ABORTED");
            assertThat(job.path("prgRoundTripMicros").get(0).asLong()).as("the held-back response")
                    .isGreaterThanOrEqualTo(HELD_BACK_MILLIS * 1000L);
            assertThat(s.api().get("/processes/" + pid).json().path("residentPages").asLong()).as("exit_mmap ran").isZero();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.get("/events?type=MM_EXIT&pasid=" + pasid)
                    .json().toString()).as("the device driver acknowledged mm_exit").contains("device-service"));
            Api.Response unbind = s.api().delete("/devices/" + Story.SVA_DEV + "/sva/bonds/" + pasid);
            assertThat(unbind.status()).as("v1: the exit released the bond").isEqualTo(404);
            assertThat(unbind.json().path("errno").asString()).isEqualTo("ESRCH");
        } finally {
            admin.delete("/fabric/faults");
        }
    }
}
