package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import tools.jackson.databind.JsonNode;

/**
 * Two device-service shards behind one gateway, over real HTTP (issue 14, scale-out). The default topology gives
 * 0000:01:00.0, smmute0 and 0000:04:00.x to shard 0, 0000:02:00.0 and 0000:03:00.0 to shard 1: the listing has
 * both, a bound process does DMA through each (page faults through PRI), jobs are found on their shard, a hotplug
 * goes to the shard that serves it, and a stopped shard takes only its own devices away (503 naming it) until it is
 * back. This class boots its own fabric: stopping a shard would disturb the shared one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShardedDevicesTest {
    private static final String SHARD0_DEV = Story.SVA_DEV;   // 0000:01:00.0, shard: 0
    private static final String SHARD1_DEV = Story.SVA_DEV2;  // 0000:02:00.0, shard: 1
    private static final String HOTPLUGGED = "0000:05:00.0";
    private static final int LEN = 256 * 1024;

    private Fabric fabric;
    private Story s;
    private Api admin;
    private long pid;
    private int pasid;
    private long src;

    @BeforeAll
    void boot() throws Exception {
        fabric = Fabric.startSharded(2, Map.of());
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
        admin = new Api(fabric.gateway(), Fabric.ADMIN_TOKEN);
    }

    @AfterAll
    void shutDown() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private Api shard(int k) {
        return new Api(fabric.url(Fabric.deviceShard(k)), null).withServiceToken(Fabric.SERVICE_TOKEN);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(d -> out.add(d.path("id").asString()));
        return out;
    }

    @Test
    @Order(1)
    void theListingHasTheDevicesOfBothShardsAndEachShardServesOnlyItsOwn() {
        Api.Response r = s.api().get("/devices");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Fabric-Unavailable-Shards")).isNull();
        assertThat(ids(r.json())).contains(SHARD0_DEV, SHARD1_DEV, Story.STALL_DEV, Story.CLASSIC_DEV, "0000:04:00.0", "0000:04:00.1");

        List<String> own0 = ids(shard(0).get("/device/v1/devices").json());
        List<String> own1 = ids(shard(1).get("/device/v1/devices").json());
        assertThat(own0).contains(SHARD0_DEV, Story.STALL_DEV).doesNotContain(SHARD1_DEV, Story.CLASSIC_DEV);
        assertThat(own1).containsExactlyInAnyOrder(SHARD1_DEV, Story.CLASSIC_DEV);

        JsonNode fabricView = admin.get("/fabric").json();
        JsonNode shards = fabricView.path("services").path("deviceShards");
        assertThat(shards.size()).as(fabricView.toString()).isEqualTo(2);
        shards.forEach(h -> assertThat(h.path("status").asString()).isEqualTo("UP"));
        assertThat(fabricView.path("services").path("device").path("status").asString()).isEqualTo("UP");
        assertThat(ids(fabricView.path("devices"))).contains(SHARD0_DEV, SHARD1_DEV);
    }

    @Test
    @Order(2)
    void oneProcessDoesDmaThroughADeviceOfEachShardWithPageFaultsThroughPri() {
        pid = s.process("sharded");
        src = s.mmap(pid, LEN, "rw");
        long dst0 = s.mmap(pid, LEN, "rw");
        long dst1 = s.mmap(pid, LEN, "rw");
        byte[] pattern = new byte[LEN];
        new Random(14).nextBytes(pattern);
        s.write(pid, src, pattern);

        s.svaInit(SHARD0_DEV);
        s.svaInit(SHARD1_DEV);
        pasid = s.bind(SHARD0_DEV, pid);
        assertThat(s.bind(SHARD1_DEV, pid)).as("one process, one PASID across shards").isEqualTo(pasid);

        for (Object[] run : new Object[][]{{SHARD0_DEV, dst0}, {SHARD1_DEV, dst1}}) {
            JsonNode done = s.completed((String) run[0], Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src),
                    "dst", Story.hex((Long) run[1]), "length", LEN));
            assertThat(done.path("faults").path("pageRequests").asLong()).as("destination pages faulted on " + run[0])
                    .isGreaterThanOrEqualTo(LEN / Story.PAGE);
            assertThat(s.read(pid, (Long) run[1], LEN)).isEqualTo(pattern);
        }
    }

    @Test
    @Order(3)
    void jobsAreFoundOnTheirShardAndListedTogether() throws Exception {
        Map<String, Object> memset = Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(src), "length", Story.PAGE, "value", 1);
        Api.Response on0 = s.api().post("/devices/" + SHARD0_DEV + "/jobs", memset);
        Api.Response on1 = s.api().post("/devices/" + SHARD1_DEV + "/jobs", memset);
        assertThat(on0.status()).as(on0.toString()).isEqualTo(202);
        assertThat(on1.status()).as(on1.toString()).isEqualTo(202);
        String job0 = on0.json().path("jobId").asString();
        String job1 = on1.json().path("jobId").asString();
        assertThat(job0).startsWith("j0-");
        assertThat(job1).startsWith("j1-");
        assertThat(on1.header("Location")).isEqualTo("/api/v1/jobs/" + job1);
        for (String id : List.of(job0, job1)) {
            JsonNode j = awaitFinal(id);
            assertThat(j.path("status").asString()).as(j.toString()).isEqualTo("COMPLETED");
        }
        assertThat(s.api().get("/jobs/" + job1).json().path("device").asString()).isEqualTo(SHARD1_DEV);
        assertThat(s.api().get("/jobs/j1-999999").status()).isEqualTo(404);

        List<String> ofShard1 = jobIds(s.api().get("/jobs?device=" + SHARD1_DEV));
        assertThat(ofShard1).contains(job1).doesNotContain(job0);
        Api.Response all = s.api().get("/jobs");
        assertThat(all.status()).isEqualTo(200);
        List<String> both = jobIds(all);
        assertThat(both).contains(job0, job1);
        assertThat(both.indexOf(job0)).as("newest last, in submission order across shards").isLessThan(both.indexOf(job1));
        assertThat(both.get(both.size() - 1)).isEqualTo(job1);
        assertThat(Long.parseLong(all.header("X-Total-Count"))).isEqualTo(both.size());
    }

    @Test
    @Order(4)
    void aHotplugGoesToTheShardThatServesTheDevice() {
        Map<String, Object> description = Map.of("id", HOTPLUGGED, "type", "pci",
                "engine", Map.of("queueDepth", 8, "engines", 1), "shard", 1);
        // Straight to the wrong shard: refused, naming the one that serves it.
        Api.Response wrong = shard(0).post("/device/v1/devices", description);
        assertThat(wrong.status()).as(wrong.toString()).isEqualTo(400);
        assertThat(wrong.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(wrong.json().path("detail").asString()).contains("shard 1 of 2");

        Api.Response r = admin.post("/devices", description);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(ids(shard(1).get("/device/v1/devices").json())).contains(HOTPLUGGED);
        assertThat(ids(shard(0).get("/device/v1/devices").json())).doesNotContain(HOTPLUGGED);
        assertThat(s.api().get("/devices/" + HOTPLUGGED).status()).isEqualTo(200);
        assertThat(ids(s.api().get("/devices").json())).contains(HOTPLUGGED);
    }

    @Test
    @Order(5)
    void aStoppedShardTakesOnlyItsOwnDevicesAway() {
        fabric.stop(Fabric.deviceShard(1));

        Api.Response list = s.api().get("/devices");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.header("Fabric-Unavailable-Shards")).isEqualTo("1");
        assertThat(ids(list.json())).contains(SHARD0_DEV, Story.STALL_DEV).doesNotContain(SHARD1_DEV, Story.CLASSIC_DEV, HOTPLUGGED);

        for (Api.Response gone : List.of(s.api().get("/devices/" + SHARD1_DEV),
                s.job(SHARD1_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(src), "length", Story.PAGE, "value", 2)),
                s.api().get("/devices/" + HOTPLUGGED))) {
            assertThat(gone.status()).as(gone.toString()).isEqualTo(503);
            assertThat(gone.contentType()).startsWith("application/problem+json");
            assertThat(gone.json().path("detail").asString()).contains("device-service shard 1 of 2");
            assertThat(gone.json().path("errno").asString()).isEqualTo("EIO");
        }

        // The other shard's devices go on: the same process, the same bond.
        JsonNode done = s.completed(SHARD0_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(src), "length", Story.PAGE, "value", 3));
        assertThat(done.path("jobId").asString()).startsWith("j0-");
        assertThat(s.read(pid, src, 1)[0]).isEqualTo((byte) 3);

        Api.Response jobs = s.api().get("/jobs");
        assertThat(jobs.status()).isEqualTo(200);
        assertThat(jobs.header("Fabric-Unavailable-Shards")).isEqualTo("1");

        JsonNode view = admin.get("/fabric").json();
        assertThat(view.path("services").path("deviceShards").get(1).path("status").asString()).isEqualTo("DOWN");
        assertThat(view.path("services").path("deviceShards").get(0).path("status").asString()).isEqualTo("UP");
        assertThat(view.path("services").path("device").path("status").asString()).isEqualTo("DOWN");
        assertThat(view.path("unavailable").toString()).contains("shard 1 of 2");
        assertThat(ids(view.path("devices"))).contains(SHARD0_DEV).doesNotContain(SHARD1_DEV);
    }

    @Test
    @Order(6)
    void aRestartedShardBringsItsDevicesBackAndOnlyItsBondsWereReset() throws Exception {
        fabric.start(Fabric.deviceShard(1));
        awaitTrue("shard 1's devices listed again", () -> {
            Api.Response r = s.api().get("/devices");
            return r.status() == 200 && r.header("Fabric-Unavailable-Shards") == null
                    && ids(r.json()).containsAll(List.of(SHARD1_DEV, HOTPLUGGED));
        });
        assertThat(s.api().get("/devices/" + SHARD1_DEV).status()).isEqualTo(200);
        // The rebooted shard's endpoints came out of reset: once iommu-service sees the new boot it shuts SVA down
        // on them (and on them only), so SVA can be initialised there afresh.
        awaitTrue("SVA shut down on shard 1's device", () -> admin.post("/devices/" + SHARD1_DEV + "/sva",
                Map.of("features", List.of("IOPF"), "maxPasid", 0)).status() == 200);
        Api.Response bonds1 = s.api().get("/devices/" + SHARD1_DEV + "/sva/bonds");
        assertThat(bonds1.status()).as(bonds1.toString()).isEqualTo(200);
        assertThat(bonds1.text()).doesNotContain("\"pid\":" + pid);
        assertThat(s.api().get("/devices/" + SHARD0_DEV + "/sva/bonds").text()).as("shard 0's bond is untouched")
                .contains("\"pid\":" + pid);

        assertThat(s.bind(SHARD1_DEV, pid)).isEqualTo(pasid);
        JsonNode done = s.completed(SHARD1_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(src), "length", Story.PAGE, "value", 4));
        assertThat(done.path("jobId").asString()).startsWith("j1-");
        assertThat(s.read(pid, src, 1)[0]).isEqualTo((byte) 4);

        Api.Response audit = admin.get("/fabric/audit");
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        assertThat(audit.json().path("clean").asBoolean()).as(audit.toString()).isTrue();
    }

    private List<String> jobIds(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().forEach(j -> out.add(j.path("jobId").asString()));
        return out;
    }

    private JsonNode awaitFinal(String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            JsonNode j = s.api().get("/jobs/" + id).json();
            String st = j.path("status").asString();
            if (!st.equals("QUEUED") && !st.equals("RUNNING")) {
                return j;
            }
            assertThat(System.nanoTime()).as("job " + id + " finished").isLessThan(end);
            Thread.sleep(20);
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(100);
        }
    }

    @SuppressWarnings("unused")
    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
