package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The SVA story on a machine with two SMMUs (the bundled {@code fabric-topology-2smmu.yml}: rc0 behind smmu0, rc1
 * behind smmu1 with BTM), through the gateway over real HTTP. The v1 series' PASID space and io_mm are global: one
 * process bound to devices behind both SMMUs has one PASID on both, its invalidations reach both, its exit runs
 * mm_exit on both; StreamIDs are per SMMU, and a VFIO container works behind each. Two device-service shards
 * serve the devices: each SMMU's SVA device is on a different shard, so the story also crosses the shards.
 */
class TwoSmmuScenarioTest {
    static final String SVA0 = "0000:01:00.0";
    static final String SVA1 = "0000:81:00.0";
    static final String STALL0 = "smmute0";
    static final String STALL1 = "smmute1";
    static final String CLASSIC0 = "0000:03:00.0";
    static final String CLASSIC1 = "0000:83:00.0";
    private static final int MIB = 1 << 20;

    private static Fabric fabric;
    private static Story s;

    @BeforeAll
    static void boot() throws Exception {
        fabric = Fabric.startSharded(2, Map.of("fabric.topology", "classpath:fabric-topology-2smmu.yml"));
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @AfterAll
    static void stop() {
        if (fabric != null) {
            fabric.close();
        }
    }

    private static Api admin() {
        return s.api().as(Fabric.ADMIN_TOKEN);
    }

    /** The SMMU's counter from GET /fabric (per SMMU, 0 when not counted yet). */
    private static long counter(String smmu, String name) {
        for (JsonNode v : admin().get("/fabric").json().path("smmus")) {
            if (v.path("name").asString().equals(smmu)) {
                return v.path("metrics").path(name).asLong();
            }
        }
        throw new AssertionError("no SMMU " + smmu + " in GET /fabric");
    }

    @Test
    void theFabricShowsBothSmmusAndEachDeviceSaysWhichItSitsBehind() {
        JsonNode view = admin().get("/fabric").json();
        assertThat(view.path("smmus")).extracting(n -> n.path("name").asString()).containsExactly("smmu0", "smmu1");
        assertThat(view.path("smmus").get(1).path("features").path("btm").asBoolean()).isTrue();
        assertThat(view.path("smmus").get(1).path("features").path("ssidBits").asInt()).isEqualTo(16);
        assertThat(view.path("smmu").path("name").asString()).as("the first, as on a one-SMMU machine").isEqualTo("smmu0");
        assertThat(view.path("services").path("deviceShards")).hasSize(2);
        for (Map.Entry<String, String> e : Map.of(SVA0, "smmu0", SVA1, "smmu1", STALL0, "smmu0", STALL1, "smmu1",
                CLASSIC0, "smmu0", CLASSIC1, "smmu1").entrySet()) {
            JsonNode d = s.api().get("/devices/" + e.getKey()).json();
            assertThat(d.path("smmu").asString()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(s.api().get("/devices/" + STALL0).json().path("sid").asInt())
                .as("StreamIDs are per SMMU").isEqualTo(s.api().get("/devices/" + STALL1).json().path("sid").asInt());
    }

    @Test
    void oneProcessBoundBehindBothSmmusHasOnePasidItsInvalidationsReachBothAndItsExitRunsMmExitOnBoth() throws Exception {
        long pid = s.process("two-smmus");
        long src = s.mmap(pid, MIB, "rw");
        long dst0 = s.mmap(pid, MIB, "rw");
        long dst1 = s.mmap(pid, MIB, "rw");
        byte[] pattern = new byte[MIB];
        new Random(14).nextBytes(pattern);
        s.write(pid, src, pattern);

        s.svaInit(SVA0);
        s.svaInit(SVA1);
        int pasid = s.bind(SVA0, pid);
        assertThat(s.bind(SVA1, pid)).as("one io_mm, one PASID on both SMMUs").isEqualTo(pasid);
        JsonNode found = s.api().get("/sva/pasids/" + pasid).json();
        assertThat(found.path("devices").toString()).contains(SVA0).contains(SVA1);

        long priq0 = counter("smmu0", "smmu.priq.requests");
        long priq1 = counter("smmu1", "smmu.priq.requests");
        java.util.Set<String> shards = new java.util.TreeSet<>();
        for (Map.Entry<String, Long> job : Map.of(SVA0, dst0, SVA1, dst1).entrySet()) {
            JsonNode done = s.submitAndAwait(job.getKey(), Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src),
                    "dst", Story.hex(job.getValue()), "length", MIB), Duration.ofMinutes(2));
            assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("faults").path("pageRequests").asLong()).as("every destination page faulted via PRI")
                    .isGreaterThanOrEqualTo(MIB / Story.PAGE);
            assertThat(s.read(pid, job.getValue(), MIB)).isEqualTo(pattern);
            shards.add(done.path("jobId").asString().replaceFirst("-.*", ""));
        }
        assertThat(shards).as("the two devices' jobs ran on the two device-service shards").containsExactly("j0", "j1");
        assertThat(counter("smmu0", "smmu.priq.requests")).as("smmu0's PRI queue took its device's requests").isGreaterThan(priq0);
        assertThat(counter("smmu1", "smmu.priq.requests")).as("smmu1's PRI queue took its device's requests").isGreaterThan(priq1);

        // munmap of the source both devices read: the notifier's invalidation reaches both SMMUs. smmu0 gets
        // CMD_TLBI_NH_VA and CMD_ATC_INV; smmu1 (BTM) takes the CPU's broadcast TLBI and needs only CMD_ATC_INV.
        long tlbi0 = counter("smmu0", "smmu.tlbi.commands");
        long atc0 = counter("smmu0", "smmu.atc_inv.commands");
        long tlbi1 = counter("smmu1", "smmu.tlbi.commands");
        long atc1 = counter("smmu1", "smmu.atc_inv.commands");
        long btm1 = counter("smmu1", "smmu.btm.applied");
        Api.Response unmap = s.api().post("/processes/" + pid + "/munmap", Map.of("addr", Story.hex(src), "length", MIB));
        assertThat(unmap.status()).as(unmap.toString()).isEqualTo(204);
        assertThat(counter("smmu0", "smmu.tlbi.commands")).isGreaterThan(tlbi0);
        assertThat(counter("smmu0", "smmu.atc_inv.commands")).isGreaterThan(atc0);
        assertThat(counter("smmu1", "smmu.atc_inv.commands")).isGreaterThan(atc1);
        assertThat(counter("smmu1", "smmu.tlbi.commands")).as("BTM: no TLBI command on smmu1").isEqualTo(tlbi1);
        assertThat(counter("smmu1", "smmu.btm.applied")).as("the CPU's broadcast TLBIs").isGreaterThan(btm1);
        for (String dev : List.of(SVA0, SVA1)) {
            JsonNode late = s.finished(dev, Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src),
                    "dst", Story.hex(dst0), "length", Story.PAGE));
            assertThat(late.path("status").asString()).as("no DMA reaches the unmapped frames behind " + dev)
                    .isEqualTo("FAULTED");
        }

        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);
        for (String dev : List.of(SVA0, SVA1)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    admin().get("/events?type=MM_EXIT&device=" + dev + "&pasid=" + pasid).json().size())
                    .as("mm_exit on " + dev).isPositive());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    admin().get("/devices/" + dev + "/sva/bonds").json().toString()).doesNotContain("\"pasid\":" + pasid + ","));
        }
        assertThat(s.api().get("/sva/pasids/" + pasid).status()).as("the PASID is freed on both").isEqualTo(404);
    }

    @Test
    void stallingDevicesAtTheSameStreamIdBehindTwoSmmusEachTakeTheirOwnFaults() {
        long pid = s.process("same-sid");
        long buf0 = s.mmap(pid, MIB, "rw");
        long buf1 = s.mmap(pid, MIB, "rw");
        s.svaInit(STALL0);
        s.svaInit(STALL1);
        int pasid = s.bind(STALL0, pid);
        assertThat(s.bind(STALL1, pid)).isEqualTo(pasid);
        JsonNode f0 = s.completed(STALL0, Map.of("op", "rand48", "pasid", pasid, "dst", Story.hex(buf0), "length", MIB, "seed", 42));
        JsonNode f1 = s.completed(STALL1, Map.of("op", "rand48", "pasid", pasid, "dst", Story.hex(buf1), "length", MIB, "seed", 42));
        assertThat(f0.path("faults").path("stalls").asLong()).isPositive();
        assertThat(f1.path("faults").path("stalls").asLong()).isPositive();
        byte[] b0 = s.read(pid, buf0, MIB);
        assertThat(Arrays.copyOf(b0, 4)).as("mrand48 after srand48(42)").containsExactly(0xBE, 0x30, 0x99, 0xBE);
        assertThat(s.read(pid, buf1, MIB)).isEqualTo(b0);
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);
    }

    @Test
    void aVfioContainerWorksBehindEachSmmu() {
        long pid = s.process("vfio-two-smmus");
        for (String dev : List.of(CLASSIC0, CLASSIC1)) {
            long buf = s.mmap(pid, 8 * Story.PAGE, "rw");
            Api.Response c = s.api().post("/vfio/containers", Map.of("pid", pid));
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            long id = c.json().path("id").asLong();
            assertThat(s.api().put("/vfio/containers/" + id + "/groups/" + groupOf(dev), "").status()).isEqualTo(204);
            assertThat(s.api().put("/vfio/containers/" + id + "/iommu", Map.of("type", "TYPE1v2")).status()).isEqualTo(204);
            Api.Response map = s.api().post("/vfio/containers/" + id + "/dma-map",
                    Map.of("vaddr", Story.hex(buf), "iova", "0x200000", "size", 8 * Story.PAGE, "flags", List.of("READ", "WRITE")));
            assertThat(map.status()).as(map.toString()).isEqualTo(204);
            Api.Response job = s.api().post("/vfio/devices/" + dev + "/jobs?wait=true",
                    Map.of("op", "memset", "dst", "0x200000", "length", 8 * Story.PAGE, "value", 0x3c));
            assertThat(job.status()).as(job.toString()).isEqualTo(200);
            assertThat(job.json().path("status").asString()).as(job.toString()).isEqualTo("COMPLETED");
            byte[] expected = new byte[8 * Story.PAGE];
            Arrays.fill(expected, (byte) 0x3c);
            assertThat(s.read(pid, buf, 8 * Story.PAGE)).isEqualTo(expected);
            assertThat(s.api().delete("/vfio/containers/" + id).status()).isEqualTo(204);
        }
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode audit = admin().get("/fabric/audit").json();
            assertThat(audit.path("clean").asBoolean()).as(audit.toString()).isTrue();
        });
    }

    /**
     * An iommu-service restart resets both SMMUs: every bond behind either is gone, and a process bound afterwards
     * gets fresh translations on both: no ATC or IOTLB entry of the old owner of its PASID survives on either. Each
     * device works in its own buffer, which the same mmap sequence puts at the same address in both processes, so a
     * stale entry would land B's bytes in A's memory.
     */
    @Test
    void anIommuRestartResetsBothSmmusAndANewProcessNeverSeesTheOldOnesMemory() {
        int len = 64 * Story.PAGE;
        List<String> devs = List.of(SVA0, SVA1);
        long a = s.process("before-reset");
        Map<String, Long> bufA = Map.of(SVA0, s.mmap(a, len, "rw"), SVA1, s.mmap(a, len, "rw"));
        s.svaInit(SVA0);
        s.svaInit(SVA1);
        int pasidA = s.bind(SVA0, a);
        assertThat(s.bind(SVA1, a)).isEqualTo(pasidA);
        for (String dev : devs) {
            s.completed(dev, Map.of("op", "memset", "pasid", pasidA, "dst", Story.hex(bufA.get(dev)), "length", len, "value", 0xa5));
        }

        fabric.restart("iommu");

        s.svaInit(SVA0);
        s.svaInit(SVA1);
        for (String dev : devs) {
            assertThat(admin().get("/devices/" + dev + "/sva/bonds").json().toString()).as("the reset dropped A's bond on " + dev)
                    .doesNotContain("\"pid\":" + a);
        }
        long b = s.process("after-reset");
        Map<String, Long> bufB = Map.of(SVA0, s.mmap(b, len, "rw"), SVA1, s.mmap(b, len, "rw"));
        int pasidB = s.bind(SVA0, b);
        assertThat(s.bind(SVA1, b)).isEqualTo(pasidB);
        for (String dev : devs) {
            JsonNode job = s.completed(dev, Map.of("op", "memset", "pasid", pasidB, "dst", Story.hex(bufB.get(dev)), "length",
                    len, "value", 0x5b));
            assertThat(job.path("faults").path("pageRequests").asLong()).as("fresh translations behind " + dev).isPositive();
        }
        byte[] a5 = new byte[len];
        Arrays.fill(a5, (byte) 0xa5);
        byte[] b5 = new byte[len];
        Arrays.fill(b5, (byte) 0x5b);
        for (String dev : devs) {
            assertThat(s.read(a, bufA.get(dev), len)).as("A's memory keeps A's bytes (" + dev + ")").isEqualTo(a5);
            assertThat(s.read(b, bufB.get(dev), len)).as("B's bytes are in B's memory (" + dev + ")").isEqualTo(b5);
        }
        assertThat(s.api().delete("/processes/" + a).status()).isEqualTo(202);
        assertThat(s.api().delete("/processes/" + b).status()).isEqualTo(202);
    }

    /**
     * Hotplug below rc1 lands behind smmu1 (IORT: the root complex's ID mapping), on the shard it names, and does
     * SVA with the one PASID the process already has behind smmu0; a description naming an SMMU the machine does not
     * have is refused with the reason.
     */
    @Test
    void aHotplugBelowTheSecondRootComplexSitsBehindTheSecondSmmu() {
        String dev = "0000:84:00.0";
        Map<String, Object> description = Map.of("id", dev, "type", "pci", "rootComplex", "rc1", "shard", 1,
                "pasid", Map.of("bits", 16, "exec", false, "privileged", false),
                "pri", Map.of("outstandingPageRequests", 16, "prgResponsePasidRequired", false),
                "ats", Map.of("atcEntries", 64, "invalidateQueueDepth", 8, "stu", 12),
                "engine", Map.of("queueDepth", 8, "engines", 1));
        Api.Response r = admin().post("/devices", description);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(s.api().get("/devices/" + dev).json().path("smmu").asString()).isEqualTo("smmu1"));

        long pid = s.process("hotplugged-behind-smmu1");
        long buf = s.mmap(pid, 16 * Story.PAGE, "rw");
        s.svaInit(SVA0);
        int pasid = s.bind(SVA0, pid);
        s.svaInit(dev);
        assertThat(s.bind(dev, pid)).as("the process's one PASID, behind the other SMMU too").isEqualTo(pasid);
        JsonNode job = s.completed(dev, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length",
                16 * Story.PAGE, "value", 0x11));
        assertThat(job.path("faults").path("pageRequests").asLong()).isPositive();
        assertThat(job.path("jobId").asString()).as("on the shard the description names").startsWith("j1-");
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);

        Api.Response bad = admin().post("/devices", Map.of("id", "0000:85:00.0", "type", "pci", "smmu", "smmu9",
                "engine", Map.of("queueDepth", 8, "engines", 1)));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(bad.json().path("detail").asString()).contains("smmu smmu9 is not one of the topology's SMMUs");
    }

    private static int groupOf(String device) {
        for (JsonNode g : s.api().get("/vfio/groups").json()) {
            if (g.path("devices").toString().contains("\"" + device + "\"")) {
                return g.path("id").asInt();
            }
        }
        throw new AssertionError("no group holds " + device);
    }
}
