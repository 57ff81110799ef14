package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** The VFIO story: a userspace driver's container, classical MAP/UNMAP_DMA, and the series' BIND_PROCESS. */
@ExtendWith(FabricExtension.class)
class VfioScenarioTest {
    private final Story s;

    VfioScenarioTest(Fabric fabric) {
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    private int groupOf(String device) {
        for (JsonNode g : s.api().get("/vfio/groups").json()) {
            if (g.path("devices").toString().contains("\"" + device + "\"")) {
                return g.path("id").asInt();
            }
        }
        throw new AssertionError("no group holds " + device);
    }

    private long container(long pid, String device) {
        Api.Response c = s.api().post("/vfio/containers", Map.of("pid", pid));
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        long id = c.json().path("id").asLong();
        assertThat(s.api().put("/vfio/containers/" + id + "/groups/" + groupOf(device), "").status()).isEqualTo(204);
        assertThat(s.api().put("/vfio/containers/" + id + "/iommu", Map.of("type", "TYPE1v2")).status()).isEqualTo(204);
        return id;
    }

    @Test
    void mapDmaThenAClassicalJobWorksAndAfterUnmapTheSameJobFaultsAndCloseLeavesNothingPinned() {
        long pid = s.process("vfio-classic");
        long buf = s.mmap(pid, 16 * Story.PAGE, "rw");
        long c = container(pid, Story.CLASSIC_DEV);
        String iova = "0x100000";
        Api.Response map = s.api().post("/vfio/containers/" + c + "/dma-map",
                Map.of("vaddr", Story.hex(buf), "iova", iova, "size", 16 * Story.PAGE, "flags", List.of("READ", "WRITE")));
        assertThat(map.status()).as(map.toString()).isEqualTo(204);
        assertThat(pinned(pid)).isEqualTo(16);

        Map<String, Object> memset = Map.of("op", "memset", "dst", iova, "length", 16 * Story.PAGE, "value", 0x5a);
        Api.Response job = s.api().post("/vfio/devices/" + Story.CLASSIC_DEV + "/jobs?wait=true", memset);
        assertThat(job.status()).as(job.toString()).isEqualTo(200);
        assertThat(job.json().path("status").asString()).isEqualTo("COMPLETED");
        byte[] expected = new byte[16 * Story.PAGE];
        Arrays.fill(expected, (byte) 0x5a);
        assertThat(s.read(pid, buf, 16 * Story.PAGE)).isEqualTo(expected);

        Api.Response overlap = s.api().post("/vfio/containers/" + c + "/dma-map",
                Map.of("vaddr", Story.hex(buf), "iova", "0x101000", "size", Story.PAGE, "flags", List.of("READ")));
        assertThat(overlap.json().path("errno").asString()).isEqualTo("EEXIST");
        Api.Response split = s.api().post("/vfio/containers/" + c + "/dma-unmap", Map.of("iova", iova, "size", Story.PAGE));
        assertThat(split.json().path("errno").asString()).as("TYPE1v2 does not split a mapping").isEqualTo("EINVAL");

        Api.Response unmap = s.api().post("/vfio/containers/" + c + "/dma-unmap", Map.of("iova", iova, "size", 16 * Story.PAGE));
        assertThat(unmap.status()).isEqualTo(200);
        assertThat(unmap.json().path("size").asLong()).isEqualTo(16 * Story.PAGE);
        assertThat(pinned(pid)).isZero();
        JsonNode faulted = s.api().post("/vfio/devices/" + Story.CLASSIC_DEV + "/jobs?wait=true", memset).json();
        assertThat(faulted.path("status").asString()).isEqualTo("FAULTED");
        assertThat(faulted.path("error").asString()).contains("F_TRANSLATION");
        // The SMMU recorded the terminated transaction; its driver reported it to the fault handler the device's
        // driver registered (iommu_register_device_fault_handler), which put it on the job.
        String faultedJob = "/jobs/" + faulted.path("jobId").asString();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode seen = s.api().get(faultedJob).json().path("unrecoverableFaults");
            assertThat(seen.path(0).path("reason").asString()).as(seen.toString()).isEqualTo("PTE_FETCH");
            assertThat(seen.path(0).path("event").asString()).isEqualTo("F_TRANSLATION");
        });

        assertThat(s.api().post("/vfio/containers/" + c + "/dma-map",
                Map.of("vaddr", Story.hex(buf), "iova", iova, "size", 4 * Story.PAGE, "flags", List.of("READ"))).status()).isEqualTo(204);
        assertThat(s.api().delete("/vfio/containers/" + c).status()).isEqualTo(204);
        assertThat(pinned(pid)).as("closing the container unpinned everything").isZero();
    }

    @Test
    void bindProcessReturnsOnePasidPerProcessAndRefusesWhatTheSeriesRefuses() {
        long pid = s.process("vfio-sva");
        long c = container(pid, Story.SVA_DEV2);
        Api.Response b = s.api().post("/vfio/containers/" + c + "/bind", Map.of());
        assertThat(b.status()).as(b.toString()).isEqualTo(200);
        int pasid = b.json().path("pasid").asInt();
        assertThat(pasid).isPositive();
        assertThat(s.api().post("/vfio/containers/" + c + "/bind", Map.of()).json().path("pasid").asInt()).as("idempotent").isEqualTo(pasid);

        long theirs = new Story(s.api().as(Fabric.OTHER_USER_TOKEN)).process("not-mine");
        Api.Response foreign = s.api().post("/vfio/containers/" + c + "/bind", Map.of("pid", theirs));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().path("errno").asString()).isEqualTo("ESRCH");

        Api.Response traced = s.api().as(Fabric.ADMIN_TOKEN).post("/vfio/containers/" + c + "/bind", Map.of("pid", theirs));
        assertThat(traced.status()).as("ptrace role may bind another uid's process").isEqualTo(200);

        assertThat(s.api().post("/vfio/containers/" + c + "/unbind", Map.of()).status()).isEqualTo(204);
        assertThat(s.api().delete("/vfio/containers/" + c).status()).isEqualTo(204);
    }

    @Test
    void aMultiDeviceGroupIsRefusedForBind() {
        long pid = s.process("vfio-multi");
        long c = container(pid, "0000:04:00.0");
        Api.Response b = s.api().post("/vfio/containers/" + c + "/bind", Map.of());
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(s.api().delete("/vfio/containers/" + c).status()).isEqualTo(204);
    }

    @Test
    void aDeviceNotInTheCallersContainerCannotBeGivenJobs() {
        Api.Response r = s.api().as(Fabric.OTHER_USER_TOKEN).post("/vfio/devices/" + Story.CLASSIC_DEV + "/jobs?wait=true",
                Map.of("op", "memset", "dst", "0x100000", "length", 4096, "value", 1));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("errno").asString()).isEqualTo("EPERM");
    }

    private long pinned(long pid) {
        return s.api().get("/processes/" + pid).json().path("pinnedPages").asLong();
    }
}
