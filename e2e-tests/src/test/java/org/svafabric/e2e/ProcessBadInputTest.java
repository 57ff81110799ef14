package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

/**
 * Wrong bodies, types, sizes and addresses on every /processes endpoint, through the gateway:
 * each answers 4xx problem+json with an errno, never a 500, and leaves the process as it was.
 */
@ExtendWith(FabricExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessBadInputTest {
    private final Api api;
    private long pid;
    private String addr;
    private JsonNode before;

    ProcessBadInputTest(Fabric fabric) {
        api = new Api(fabric.gateway(), Fabric.USER_TOKEN);
    }

    @BeforeAll
    void aProcessWithOneMappedAndWrittenRange() {
        pid = api.post("/processes", Map.of("name", "victim")).json().path("pid").asLong();
        addr = api.post("/processes/" + pid + "/mmap", Map.of("length", 65536, "prot", "rw")).json().path("addr").asString();
        assertThat(api.putBytes("/processes/" + pid + "/memory?addr=" + addr, "hello".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(204);
        before = api.get("/processes/" + pid).json();
    }

    record Case(String name, String method, String path, String contentType, String body, int status, String errno) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> cases() {
        String p = "/processes/" + pid;
        String json = "application/json";
        String bin = "application/octet-stream";
        long unaligned = Long.decode(addr) + 1;
        return Stream.of(
                new Case("create: malformed JSON", "POST", "/processes", json, "{\"name\":", 400, "EINVAL"),
                new Case("create: missing name", "POST", "/processes", json, "{}", 400, "EINVAL"),
                new Case("create: uid of wrong type", "POST", "/processes", json, "{\"name\":\"x\",\"uid\":\"root\"}", 400, "EINVAL"),
                new Case("create: negative uid", "POST", "/processes", json, "{\"name\":\"x\",\"uid\":-1}", 400, "EINVAL"),
                new Case("create: not JSON", "POST", "/processes", "text/plain", "name=x", 415, null),
                new Case("get: pid not a number", "GET", "/processes/abc", json, null, 400, "EINVAL"),
                new Case("get: unknown pid", "GET", "/processes/987654321", json, null, 404, "ESRCH"),
                new Case("mmap: zero length", "POST", p + "/mmap", json, "{\"length\":0}", 400, "EINVAL"),
                new Case("mmap: negative length", "POST", p + "/mmap", json, "{\"length\":-4096}", 400, "EINVAL"),
                new Case("mmap: length as text", "POST", p + "/mmap", json, "{\"length\":\"big\"}", 400, "EINVAL"),
                new Case("mmap: larger than the address space", "POST", p + "/mmap", json, "{\"length\":1152921504606846976}", 409, "ENOMEM"),
                new Case("mmap: bad prot", "POST", p + "/mmap", json, "{\"length\":4096,\"prot\":\"rwq\"}", 400, "EINVAL"),
                new Case("mmap: unknown pid", "POST", "/processes/987654321/mmap", json, "{\"length\":4096}", 404, "ESRCH"),
                new Case("munmap: unaligned", "POST", p + "/munmap", json, "{\"addr\":" + unaligned + ",\"length\":4096}", 400, "EINVAL"),
                new Case("munmap: address not hex", "POST", p + "/munmap", json, "{\"addr\":\"0xZZ\",\"length\":4096}", 400, "EINVAL"),
                new Case("munmap: negative address", "POST", p + "/munmap", json, "{\"addr\":-4096,\"length\":4096}", 400, "EINVAL"),
                new Case("munmap: missing length", "POST", p + "/munmap", json, "{\"addr\":\"" + addr + "\"}", 400, "EINVAL"),
                new Case("munmap: non-canonical address", "POST", p + "/munmap", json, "{\"addr\":\"0xffff800000000000\",\"length\":4096}", 400, "EINVAL"),
                new Case("mprotect: bad prot", "POST", p + "/mprotect", json, "{\"addr\":\"" + addr + "\",\"length\":4096,\"prot\":\"k\"}", 400, "EINVAL"),
                new Case("mprotect: unaligned", "POST", p + "/mprotect", json, "{\"addr\":" + unaligned + ",\"length\":4096,\"prot\":\"r\"}", 400, "EINVAL"),
                new Case("mprotect: unmapped range", "POST", p + "/mprotect", json, "{\"addr\":\"0x1000\",\"length\":4096,\"prot\":\"r\"}", 409, "ENOMEM"),
                new Case("write: outside any VMA", "PUT", p + "/memory?addr=0x1000", bin, "data", 400, "EFAULT"),
                new Case("write: crossing the end of the VMA", "PUT", p + "/memory?addr=0x" + Long.toHexString(Long.decode(addr) + 65534), bin, "four", 400, "EFAULT"),
                new Case("write: address not hex", "PUT", p + "/memory?addr=nowhere", bin, "data", 400, "EINVAL"),
                new Case("write: missing addr", "PUT", p + "/memory", bin, "data", 400, "EINVAL"),
                new Case("read: negative length", "GET", p + "/memory?addr=" + addr + "&length=-1", json, null, 400, "EINVAL"),
                new Case("read: huge length", "GET", p + "/memory?addr=" + addr + "&length=1099511627776", json, null, 413, "E2BIG"),
                new Case("read: outside any VMA", "GET", p + "/memory?addr=0x1000&length=16", json, null, 400, "EFAULT"),
                new Case("reclaim: neither range nor pages", "POST", p + "/reclaim", json, "{}", 400, "EINVAL"),
                new Case("reclaim: both range and pages", "POST", p + "/reclaim", json, "{\"addr\":\"" + addr + "\",\"length\":4096,\"pages\":1}", 400, "EINVAL"),
                new Case("reclaim: zero pages", "POST", p + "/reclaim", json, "{\"pages\":0}", 400, "EINVAL")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAProblemWithItsErrnoAndChangesNothing(Case c) {
        byte[] body = c.body() == null ? new byte[0] : c.body().getBytes(StandardCharsets.UTF_8);
        Api.Response r = c.body() == null && c.method().equals("GET") ? api.get(c.path())
                : api.send(c.method(), c.path(), c.contentType(), body);
        assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode pd = r.json();
        assertThat(pd.path("type").asString()).startsWith("https://sva-fabric.dev/problems/");
        assertThat(pd.path("detail").asString()).isNotBlank();
        if (c.errno() != null) {
            assertThat(pd.path("errno").asString()).as(r.toString()).isEqualTo(c.errno());
        }
        JsonNode after = api.get("/processes/" + pid).json();
        assertThat(after.path("vmas")).isEqualTo(before.path("vmas"));
        assertThat(after.path("residentPages")).isEqualTo(before.path("residentPages"));
        assertThat(api.get("/processes/" + pid + "/memory?addr=" + addr + "&length=5").text()).isEqualTo("hello");
    }

}
