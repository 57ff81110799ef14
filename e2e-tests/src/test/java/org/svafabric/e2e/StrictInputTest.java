package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
 * Strict input through the gateway and on the internal services: an unknown JSON field is
 * refused with 400 naming it (never silently ignored: {@code "protection":"r"} must not give a
 * writable mapping), and no error detail shows a Java type, a class or Spring's internals.
 */
@ExtendWith(FabricExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictInputTest {
    private final Fabric fabric;
    private final Story s;
    private long pid;
    private String addr;
    private int pasid;

    StrictInputTest(Fabric fabric) {
        this.fabric = fabric;
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @BeforeAll
    void aProcessWithAMapping() {
        pid = s.process("strict");
        addr = Story.hex(s.mmap(pid, 65536, "rw"));
        s.svaInit(Story.SVA_DEV);
        pasid = s.bind(Story.SVA_DEV, pid);
    }

    /** A request, the answer expected, and a word the detail must contain (the field's name). */
    record Case(String name, String method, String path, String body, int status, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> cases() {
        String p = "/processes/" + pid;
        String dev = "/devices/" + Story.SVA_DEV;
        return Stream.of(
                new Case("mmap: protection instead of prot", "POST", p + "/mmap", "{\"length\":4096,\"protection\":\"r\"}", 400, "protection"),
                new Case("create process: unknown field", "POST", "/processes", "{\"name\":\"x\",\"colour\":\"red\"}", 400, "colour"),
                new Case("munmap: unknown field", "POST", p + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":4096,\"force\":true}", 400, "force"),
                new Case("mprotect: unknown field", "POST", p + "/mprotect", "{\"addr\":\"" + addr + "\",\"length\":4096,\"prot\":\"r\",\"x\":1}", 400, "'x'"),
                new Case("reclaim: unknown field", "POST", p + "/reclaim", "{\"pages\":1,\"swap\":\"yes\"}", 400, "swap"),
                new Case("sva init: unknown field", "POST", dev + "/sva", "{\"features\":[\"IOPF\"],\"maxPasids\":4}", 400, "maxPasids"),
                new Case("bind: unknown field", "POST", dev + "/sva/bonds", "{\"pid\":" + pid + ",\"flag\":\"x\"}", 400, "flag"),
                new Case("mm-exit handler: unknown field", "PUT", dev + "/sva/mm-exit-handler", "{\"policy\":\"stop-dma\",\"when\":1}", 400, "when"),
                new Case("job: unknown field", "POST", dev + "/jobs", "{\"op\":\"memset\",\"pasid\":" + pasid + ",\"dst\":\"" + addr + "\",\"length\":4096,\"value\":1,\"speed\":9}", 400, "speed"),
                new Case("vfio open: unknown field", "POST", "/vfio/containers", "{\"pid\":" + pid + ",\"mode\":\"rw\"}", 400, "mode"),
                new Case("type mismatch: length as text", "POST", p + "/mmap", "{\"length\":\"big\"}", 400, "length"),
                new Case("type mismatch: name as a number", "POST", "/processes", "{\"name\":42}", 400, "name"),
                new Case("bad enum: unknown feature", "POST", dev + "/sva", "{\"features\":[\"WINGS\"]}", 400, "WINGS"),
                new Case("missing body", "POST", p + "/mmap", null, 400, "body"),
                new Case("body is not an object", "POST", p + "/mmap", "[1,2]", 400, "body"),
                new Case("malformed JSON", "POST", p + "/mmap", "{\"length\":", 400, "JSON"),
                new Case("trailing content", "POST", p + "/mmap", "{\"length\":4096} {}", 400, "body"),
                new Case("bad path variable: pid", "GET", "/processes/abc", null, 400, "abc"),
                new Case("bad query parameter: pasid", "GET", "/events?pasid=seven", null, 400, "pasid")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedNamingWhatIsWrongInTheApisTerms(Case c) {
        JsonNode before = s.api().get("/processes/" + pid).json();
        Api.Response r = c.body() == null && c.method().equals("GET") ? s.api().get(c.path())
                : s.api().send(c.method(), c.path(), "application/json",
                c.body() == null ? new byte[0] : c.body().getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
        assertProblemInUserTerms(r, c.mentions());
        assertThat(s.api().get("/processes/" + pid).json().path("vmas")).isEqualTo(before.path("vmas"));
    }

    @Test
    void theMisspelledProtDoesNotGiveAWritableMapping() {
        JsonNode before = s.api().get("/processes/" + pid).json();
        Api.Response r = s.api().post("/processes/" + pid + "/mmap", "{\"length\":4096,\"protection\":\"r\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(r.json().path("detail").asString()).contains("'protection'").contains("prot");
        assertThat(s.api().get("/processes/" + pid).json().path("vmas").size()).isEqualTo(before.path("vmas").size());
    }

    @Test
    void internalServicesAreStrictToo() {
        Api mm = new Api(fabric.url("mm"), null).withServiceToken(Fabric.SERVICE_TOKEN);
        Api.Response r = mm.send("POST", "/mm/v1/processes/" + pid + "/mmap", "application/json",
                "{\"length\":4096,\"protection\":\"r\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertProblemInUserTerms(r, "protection");
    }

    static void assertProblemInUserTerms(Api.Response r, String mentions) {
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode pd = r.json();
        assertThat(pd.path("errno").asString()).as(r.toString()).isEqualTo("EINVAL");
        String detail = pd.path("detail").asString();
        assertThat(detail).as(r.toString()).contains(mentions)
                .doesNotContain("org.svafabric", "java.", "tools.jackson", "class ", "Exception", "springframework", "MmRequests", "$");
    }
}
