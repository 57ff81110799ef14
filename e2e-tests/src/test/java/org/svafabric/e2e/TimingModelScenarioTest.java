package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * The model clock through the gateway: a cold memcpy (every destination page through PRI, the fault kinds
 * coming back from mm-service's handle_mm_fault via iommu-service's PRG responses) costs more model time than
 * the same memcpy warm, and says where: PRI queue, interrupt, IOPF handling, the faults, the responses.
 */
@ExtendWith(FabricExtension.class)
@Timeout(300)
class TimingModelScenarioTest {
    private static final int LEN = 64 * 1024;
    private final Story s;

    TimingModelScenarioTest(Fabric fabric) {
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @Test
    void aColdJobCostsMoreModelTimeThanAWarmOneAndItsBreakdownNamesThePriCosts() throws Exception {
        long pid = s.process("timing");
        long src = s.mmap(pid, LEN, "rw");
        long dst = s.mmap(pid, LEN, "rw");
        byte[] pattern = new byte[LEN];
        new Random(9).nextBytes(pattern);
        s.write(pid, src, pattern);
        s.svaInit(Story.SVA_DEV);
        int pasid = s.bind(Story.SVA_DEV, pid);
        Map<String, Object> copy = Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", LEN);

        JsonNode cold = s.submitAndAwait(Story.SVA_DEV, copy, Duration.ofMinutes(2));
        JsonNode warm = s.submitAndAwait(Story.SVA_DEV, copy, Duration.ofMinutes(2));
        System.out.println("cold job record: " + cold);
        System.out.println("warm job record: " + warm);

        assertThat(cold.path("status").asString()).as(cold.toString()).isEqualTo("COMPLETED");
        assertThat(warm.path("status").asString()).as(warm.toString()).isEqualTo("COMPLETED");
        assertThat(s.read(pid, dst, LEN)).isEqualTo(pattern);
        long coldNanos = cold.at("/model/nanos").asLong();
        long warmNanos = warm.at("/model/nanos").asLong();
        assertThat(warmNanos).isPositive();
        assertThat(coldNanos).isGreaterThan(warmNanos);

        JsonNode b = cold.at("/model/breakdown");
        assertThat(b.path("priQueueWrite").asLong()).as(b.toString()).isPositive();
        assertThat(b.path("priInterrupt").asLong()).isPositive();
        assertThat(b.path("iopfHandling").asLong()).isPositive();
        assertThat(b.path("prgResponse").asLong()).isPositive();
        // Untouched anonymous pages: each fault allocated a zeroed frame, which mm-service reported as "major".
        assertThat(b.path("mmFaultMajor").asLong()).as(b.toString()).isEqualTo(16 * 1200L);
        assertThat(b.path("walkDescriptorRead").asLong()).as("the SMMU's walks reached the device").isPositive();
        assertThat(cold.path("prgRoundTripMicros").size()).isEqualTo((int) cold.at("/faults/groups").asLong());

        assertThat(warm.at("/model/breakdown").has("priInterrupt")).as(warm.toString()).isFalse();
        assertThat(warm.path("prgRoundTripMicros").size()).isZero();
        assertThat(cold.has("latencyMicros")).as("wall clock beside the model").isTrue();
    }

    @Test
    void aJobsTimingOverridePricesItsModelAndAnUnknownCostIsRefusedByName() {
        long pid = s.process("timing-override");
        long buf = s.mmap(pid, LEN, "rw");
        s.write(pid, buf, new byte[LEN]);
        s.svaInit(Story.SVA_DEV);
        int pasid = s.bind(Story.SVA_DEV, pid);
        Map<String, Object> fill = Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", LEN, "value", 3);
        s.completed(Story.SVA_DEV, fill);

        JsonNode slowLink = s.completed(Story.SVA_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", LEN,
                "value", 3, "timing", Map.of("dmaTransfer", 1000)));
        // 64 KiB at 1000 ns/KiB.
        assertThat(slowLink.at("/model/breakdown/dmaTransfer").asLong()).as(slowLink.toString()).isEqualTo(64_000);

        Api.Response refused = s.job(Story.SVA_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", LEN,
                "value", 3, "timing", Map.of("warpDrive", 1)));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(refused.json().path("detail").asString()).contains("warpDrive");
    }
}
