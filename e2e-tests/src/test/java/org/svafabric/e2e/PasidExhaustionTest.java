package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A fabric of its own, so that the global PASID space starts empty: a device limited to max_pasid 4. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasidExhaustionTest {
    private Fabric fabric;
    private Story s;

    @BeforeAll
    void boot() throws Exception {
        fabric = Fabric.start();
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @AfterAll
    void shutdown() {
        fabric.close();
    }

    @Test
    void aDeviceWithMaxPasid4BindsFourProcessesThenAnswersEnospcButEsrchForAnExitedProcess() {
        Api.Response init = s.api().post("/devices/" + Story.SVA_DEV + "/sva", Map.of("features", List.of("IOPF"), "maxPasid", 4));
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        assertThat(init.json().path("minPasid").asInt()).as("PASID 0 is reserved").isEqualTo(1);
        assertThat(init.json().path("maxPasid").asInt()).isEqualTo(4);

        for (int i = 1; i <= 4; i++) {
            assertThat(s.bind(Story.SVA_DEV, s.process("p" + i))).isBetween(1, 4);
        }
        Api.Response fifth = s.api().post("/devices/" + Story.SVA_DEV + "/sva/bonds", Map.of("pid", s.process("p5")));
        assertThat(fifth.status()).as(fifth.toString()).isEqualTo(409);
        assertThat(fifth.json().path("errno").asString()).isEqualTo("ENOSPC");

        // No running process is ESRCH whatever the PASID space holds: the answer names the process, not the PASIDs.
        long exited = s.process("p6");
        assertThat(s.api().delete("/processes/" + exited).status()).isEqualTo(202);
        Api.Response gone = s.api().post("/devices/" + Story.SVA_DEV + "/sva/bonds", Map.of("pid", exited));
        assertThat(gone.status()).as(gone.toString()).isEqualTo(404);
        assertThat(gone.json().path("errno").asString()).isEqualTo("ESRCH");

        Api.Response again = s.api().post("/devices/" + Story.SVA_DEV + "/sva", Map.of("features", List.of("IOPF"), "maxPasid", 4));
        assertThat(again.json().path("errno").asString()).as("a second init").isEqualTo("EEXIST");
    }
}
