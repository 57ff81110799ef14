package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

/**
 * The gateway's contract beyond /processes: the OpenAPI document, wrong input on the SVA, job and
 * VFIO endpoints (4xx problem+json with errno, never 500, nothing changed), and isolation between uids.
 */
@ExtendWith(FabricExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayContractTest {
    private final Fabric fabric;
    private final Story s;
    private long pid;
    private long container;
    private int pasid;

    GatewayContractTest(Fabric fabric) {
        this.fabric = fabric;
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @BeforeAll
    void aBoundProcessAndAContainer() {
        pid = s.process("contract");
        s.svaInit(Story.SVA_DEV);
        pasid = s.bind(Story.SVA_DEV, pid);
        container = s.api().post("/vfio/containers", Map.of("pid", pid)).json().path("id").asLong();
    }

    @Test
    void theOpenApiDocumentHasEveryPublicPathWithItsProblemAnswers() {
        JsonNode doc = new Api(fabric.url("gateway"), null).get("/v3/api-docs").json();
        List<String> paths = List.of("/api/v1/processes", "/api/v1/processes/{pid}/mmap", "/api/v1/processes/{pid}/memory",
                "/api/v1/devices", "/api/v1/devices/{dev}/sva", "/api/v1/devices/{dev}/sva/bonds",
                "/api/v1/devices/{dev}/sva/bonds/{pasid}", "/api/v1/sva/pasids/{pasid}", "/api/v1/devices/{dev}/jobs",
                "/api/v1/jobs/{jobId}", "/api/v1/vfio/containers", "/api/v1/vfio/groups", "/api/v1/vfio/containers/{c}/dma-map",
                "/api/v1/vfio/containers/{c}/bind", "/api/v1/events", "/api/v1/events/stream", "/api/v1/fabric");
        for (String p : paths) {
            assertThat(doc.path("paths").has(p)).as(p).isTrue();
        }
        assertThat(doc.path("paths").path("/api/v1/devices/{dev}/sva/bonds").path("post").path("responses").has("409")).isTrue();
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("errno")).isTrue();
    }

    record Case(String name, String method, String path, String body, int status, String errno) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> cases() {
        String c = "/vfio/containers/" + container;
        return Stream.of(
                new Case("init: unknown device", "POST", "/devices/nope/sva", "{\"features\":[\"IOPF\"]}", 404, "ENODEV"),
                new Case("init: unknown feature", "POST", "/devices/" + Story.SVA_DEV2 + "/sva", "{\"features\":[\"WINGS\"]}", 400, "EINVAL"),
                new Case("init: device without PASID", "POST", "/devices/" + Story.CLASSIC_DEV + "/sva", "{\"features\":[\"IOPF\"]}", 404, "ENODEV"),
                new Case("init: negative maxPasid", "POST", "/devices/" + Story.SVA_DEV2 + "/sva", "{\"maxPasid\":-1}", 400, "EINVAL"),
                new Case("init: malformed JSON", "POST", "/devices/" + Story.SVA_DEV2 + "/sva", "{\"features\":", 400, "EINVAL"),
                new Case("bind: missing pid", "POST", "/devices/" + Story.SVA_DEV + "/sva/bonds", "{}", 400, "EINVAL"),
                new Case("bind: pid as text", "POST", "/devices/" + Story.SVA_DEV + "/sva/bonds", "{\"pid\":\"me\"}", 400, "EINVAL"),
                new Case("bind: unknown pid", "POST", "/devices/" + Story.SVA_DEV + "/sva/bonds", "{\"pid\":987654}", 404, "ESRCH"),
                new Case("bind: bad flag", "POST", "/devices/" + Story.SVA_DEV + "/sva/bonds", "{\"pid\":" + pid + ",\"flags\":[\"FLY\"]}", 400, "EINVAL"),
                new Case("unbind: unknown PASID", "DELETE", "/devices/" + Story.SVA_DEV + "/sva/bonds/99999", null, 404, "ESRCH"),
                new Case("unbind: PASID not a number", "DELETE", "/devices/" + Story.SVA_DEV + "/sva/bonds/x", null, 400, "EINVAL"),
                new Case("find: unknown PASID", "GET", "/sva/pasids/77777", null, 404, "ESRCH"),
                new Case("job: unknown op", "POST", "/devices/" + Story.SVA_DEV + "/jobs", "{\"op\":\"teleport\",\"pasid\":" + pasid + ",\"dst\":\"0x1000\",\"length\":4096}", 400, "EINVAL"),
                new Case("job: negative length", "POST", "/devices/" + Story.SVA_DEV + "/jobs", "{\"op\":\"memset\",\"pasid\":" + pasid + ",\"dst\":\"0x1000\",\"length\":-1,\"value\":1}", 400, "EINVAL"),
                new Case("job: non-canonical address", "POST", "/devices/" + Story.SVA_DEV + "/jobs", "{\"op\":\"memset\",\"pasid\":" + pasid + ",\"dst\":\"0xffff800000000000\",\"length\":4096,\"value\":1}", 400, "EINVAL"),
                new Case("job: PASID of nobody", "POST", "/devices/" + Story.SVA_DEV + "/jobs", "{\"op\":\"memset\",\"pasid\":55555,\"dst\":\"0x1000\",\"length\":4096,\"value\":1}", 404, "ESRCH"),
                new Case("job: unknown job id", "GET", "/jobs/j-999999999", null, 404, null),
                new Case("vfio: open for a pid of nobody", "POST", "/vfio/containers", "{\"pid\":987654}", 404, "ESRCH"),
                new Case("vfio: unknown container", "PUT", "/vfio/containers/999999/iommu", "{\"type\":\"TYPE1v2\"}", 404, "ENOENT"),
                new Case("vfio: unknown group", "PUT", c + "/groups/424242", null, 404, "ENOENT"),
                new Case("vfio: SET_IOMMU without a group", "PUT", c + "/iommu", "{\"type\":\"TYPE1v2\"}", 400, "EINVAL"),
                new Case("vfio: unsupported IOMMU type", "PUT", c + "/iommu", "{\"type\":\"SPAPR\"}", 400, "EINVAL"),
                new Case("vfio: MAP_DMA without an IOMMU", "POST", c + "/dma-map", "{\"vaddr\":\"0x1000\",\"iova\":\"0x1000\",\"size\":4096,\"flags\":[\"READ\"]}", 400, "EINVAL"),
                new Case("vfio: MAP_DMA missing size", "POST", c + "/dma-map", "{\"vaddr\":\"0x1000\",\"iova\":\"0x1000\",\"flags\":[\"READ\"]}", 400, "EINVAL"),
                new Case("vfio: BIND without an IOMMU", "POST", c + "/bind", "{}", 400, "EINVAL"),
                new Case("vfio: UNBIND of a process never bound", "POST", c + "/unbind", "{}", 404, "ESRCH")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAProblemWithItsErrnoNeverA500AndChangesNothing(Case c) {
        String bonds = s.api().get("/devices/" + Story.SVA_DEV + "/sva/bonds").text();
        String vfio = s.api().get("/vfio/containers/" + container).text();
        Api.Response r = c.body() == null ? (c.method().equals("GET") ? s.api().get(c.path()) : s.api().send(c.method(), c.path(), "application/json", new byte[0]))
                : s.api().send(c.method(), c.path(), "application/json", c.body().getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        if (c.errno() != null) {
            assertThat(r.json().path("errno").asString()).as(r.toString()).isEqualTo(c.errno());
        }
        assertThat(s.api().get("/devices/" + Story.SVA_DEV + "/sva/bonds").text()).isEqualTo(bonds);
        assertThat(s.api().get("/vfio/containers/" + container).text()).isEqualTo(vfio);
    }

    @Test
    void anotherUidSeesNoneOfThisUidsProcessesContainersJobsOrPasids() {
        Api other = s.api().as(Fabric.OTHER_USER_TOKEN);
        long buf = s.mmap(pid, Story.PAGE, "rw");
        String jobId = s.api().post("/devices/" + Story.SVA_DEV + "/jobs?wait=true",
                Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", Story.PAGE, "value", 3)).json().path("jobId").asString();
        assertThat(s.api().get("/jobs/" + jobId).status()).isEqualTo(200);

        assertThat(other.get("/processes/" + pid).status()).isEqualTo(404);
        assertThat(other.get("/vfio/containers/" + container).status()).isEqualTo(404);
        assertThat(other.delete("/vfio/containers/" + container).status()).isEqualTo(404);
        assertThat(other.get("/jobs/" + jobId).status()).isEqualTo(404);
        assertThat(other.get("/sva/pasids/" + pasid).status()).isEqualTo(404);
        assertThat(other.delete("/devices/" + Story.SVA_DEV + "/sva/bonds/" + pasid).status()).isEqualTo(404);
        assertThat(other.get("/devices/" + Story.SVA_DEV + "/sva/bonds").json().toString()).doesNotContain("\"pid\":" + pid + ",");
        assertThat(other.get("/events?pasid=" + pasid).json().size()).isZero();
        assertThat(s.api().get("/sva/pasids/" + pasid).status()).as("nothing was undone").isEqualTo(200);
    }
}
