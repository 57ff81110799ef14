package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** The CPU side through the gateway: the walk, and uid isolation between tokens. */
@ExtendWith(FabricExtension.class)
class ProcessScenarioTest {
    private static final int MIB8 = 8 << 20;

    private final Api api;
    private final Api other;

    ProcessScenarioTest(Fabric fabric) {
        api = new Api(fabric.gateway(), Fabric.USER_TOKEN);
        other = api.as(Fabric.OTHER_USER_TOKEN);
    }

    private long createProcess(Api as, String name) {
        Api.Response r = as.post("/processes", Map.of("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("pid").asLong();
    }

    @Test
    void writeReadReclaimSwapInMunmapThenEfault() {
        long pid = createProcess(api, "walk");
        Api.Response m = api.post("/processes/" + pid + "/mmap", Map.of("length", MIB8, "prot", "rw"));
        assertThat(m.status()).as(m.toString()).isEqualTo(201);
        String addr = m.json().path("addr").asString();
        assertThat(addr).startsWith("0x");

        byte[] pattern = new byte[MIB8];
        new Random(42).nextBytes(pattern);
        assertThat(api.putBytes("/processes/" + pid + "/memory?addr=" + addr, pattern).status()).isEqualTo(204);
        Api.Response read = api.get("/processes/" + pid + "/memory?addr=" + addr + "&length=" + MIB8);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(pattern);

        Api.Response rec = api.post("/processes/" + pid + "/reclaim", Map.of("addr", addr, "length", MIB8));
        assertThat(rec.status()).as(rec.toString()).isEqualTo(200);
        assertThat(rec.json().path("reclaimed").asLong()).isEqualTo(MIB8 / 4096);
        JsonNode p = api.get("/processes/" + pid).json();
        assertThat(p.path("swappedPages").asLong()).isEqualTo(MIB8 / 4096);
        assertThat(p.path("residentPages").asLong()).isZero();

        assertThat(api.get("/processes/" + pid + "/memory?addr=" + addr + "&length=" + MIB8).body())
                .as("the same bytes come back from swap").isEqualTo(pattern);
        assertThat(api.get("/processes/" + pid).json().path("swappedPages").asLong()).isZero();

        assertThat(api.post("/processes/" + pid + "/munmap", Map.of("addr", addr, "length", MIB8)).status()).isEqualTo(204);
        Api.Response gone = api.get("/processes/" + pid + "/memory?addr=" + addr + "&length=16");
        assertThat(gone.status()).isEqualTo(400);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.json().path("errno").asString()).isEqualTo("EFAULT");

        assertThat(api.delete("/processes/" + pid).status()).isEqualTo(202);
    }

    @Test
    void aTokenSeesOnlyItsOwnUidsProcesses() {
        long mine = createProcess(api, "mine");
        long theirs = createProcess(other, "theirs");

        assertThat(other.get("/processes/" + mine).status()).isEqualTo(404);
        assertThat(other.get("/processes/" + mine).json().path("errno").asString()).isEqualTo("ESRCH");
        assertThat(other.post("/processes/" + mine + "/mmap", Map.of("length", 4096)).status()).isEqualTo(404);
        assertThat(other.delete("/processes/" + mine).status()).isEqualTo(404);
        assertThat(api.get("/processes/" + mine).json().path("state").asString()).isEqualTo("RUNNING");

        JsonNode list = api.get("/processes?size=1000").json();
        assertThat(list.isArray()).isTrue();
        assertThat(list.valueStream().map(n -> n.path("pid").asLong())).contains(mine).doesNotContain(theirs);
        assertThat(list.valueStream().map(n -> n.path("uid").asLong())).containsOnly(1000L);

        Api admin = api.as(Fabric.ADMIN_TOKEN);
        assertThat(admin.get("/processes/" + theirs).status()).isEqualTo(200);
    }

    @Test
    void aUserCannotCreateAProcessOfAnotherUid() {
        Api.Response r = api.post("/processes", Map.of("name", "impostor", "uid", 0));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("errno").asString()).isEqualTo("EPERM");
    }
}
