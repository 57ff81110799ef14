package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

/**
 * Each injectable fault, through the gateway, against what the architecture promises: a lost PRG
 * response makes the device time out and report it; Response Failure stops PRI on the function
 * until software re-enables it; a PRI queue overflow discards the partial group and is reported,
 * and the device's retry still completes the job; an event queue overflow is reported; a late ATS
 * Invalidation Completion is reported and no DMA reaches the unmapped frame; bus latency shows and
 * bus errors become job errors, not 500s; and after DELETE the fabric works as before.
 *
 * <p>A fabric of its own, with short timeouts, so that a timeout costs seconds and the shared
 * fabric of the other tests never sees a fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionTest {
    private static final Duration PRG_TIMEOUT = Duration.ofSeconds(2);
    private Fabric fabric;
    private Story s;
    private Api admin;

    @BeforeAll
    void aFabricWithShortTimeouts() throws Exception {
        fabric = Fabric.start(Map.of(
                "device.prg-response-timeout", PRG_TIMEOUT.toMillis() + "ms",
                "iommu.atc-timeout", "1s"));
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
        admin = s.api().as(Fabric.ADMIN_TOKEN);
    }

    @AfterAll
    void stop() {
        if (fabric != null) {
            fabric.close();
        }
    }

    @AfterEach
    void clearFaults() {
        assertThat(admin.delete("/fabric/faults").status()).isEqualTo(204);
    }

    private JsonNode arm(Object... specs) {
        Api.Response r = admin.put("/fabric/faults", Map.of("faults", List.of(specs)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private JsonNode events(String query) {
        return admin.get("/events?size=1000&" + query).json();
    }

    private static boolean any(JsonNode events, String type, String detailContains) {
        for (JsonNode e : events) {
            if (e.path("type").asString().equals(type) && e.path("detail").asString().contains(detailContains)) {
                return true;
            }
        }
        return false;
    }

    /** A process bound to {@code dev} with an unpopulated buffer: a job on it page-faults. */
    private record Bound(long pid, int pasid, long buf) {
    }

    private Bound bound(String dev, String name, int pages) {
        long pid = s.process(name);
        long buf = s.mmap(pid, (long) pages * Story.PAGE, "rw");
        s.svaInit(dev);
        return new Bound(pid, s.bind(dev, pid), buf);
    }

    private static Map<String, Object> memset(Bound b, long addr, int pages, int value) {
        return Map.of("op", "memset", "pasid", b.pasid(), "dst", Story.hex(addr), "length", pages * Story.PAGE, "value", value);
    }

    // ------------------------------------------------------------------ the API

    @Test
    void offByDefaultListedInTheFabricAndAdminOnly() {
        JsonNode none = admin.get("/fabric/faults").json();
        assertThat(none.path("enabled").asBoolean()).isFalse();
        assertThat(none.path("faults").size()).isZero();
        assertThat(none.path("kinds").toString()).contains("prg-response-drop", "response-failure", "priq-overflow",
                "evtq-overflow", "atc-inv-timeout", "bus-latency", "bus-error");
        assertThat(s.api().get("/fabric").json().path("faults").path("path").asString()).isEqualTo("/api/v1/fabric/faults");

        for (Api.Response r : List.of(s.api().get("/fabric/faults"), s.api().delete("/fabric/faults"),
                s.api().put("/fabric/faults", Map.of("faults", List.of(Map.of("kind", "bus-error")))))) {
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
            assertThat(r.json().path("errno").asString()).isEqualTo("EPERM");
        }
        assertThat(admin.get("/fabric/faults").json().path("faults").size()).as("a refused PUT armed nothing").isZero();

        JsonNode armed = arm(Map.of("kind", "prg-response-drop", "device", Story.SVA_DEV, "count", 2));
        assertThat(armed.path("enabled").asBoolean()).isTrue();
        JsonNode f = armed.path("faults").get(0);
        assertThat(f.path("kind").asString()).isEqualTo("prg-response-drop");
        assertThat(f.path("owner").asString()).isEqualTo("iommu-service");
        assertThat(f.path("remaining").asLong()).isEqualTo(2);
        assertThat(s.api().get("/fabric").json().path("faults").path("armed").toString()).contains("prg-response-drop");

        // The view reads each service's armed faults with the rest of its part: device-service's as well as iommu's.
        arm(Map.of("kind", "prg-response-drop", "device", Story.SVA_DEV, "count", 2),
                Map.of("kind", "atc-inv-timeout", "device", Story.SVA_DEV, "count", 1, "delayMillis", 10));
        JsonNode summary = s.api().get("/fabric").json().path("faults");
        assertThat(summary.path("armed").toString()).as(summary.toString()).contains("prg-response-drop", "atc-inv-timeout");
        assertThat(summary.has("error")).isFalse();
        admin.delete("/fabric/faults");
        assertThat(s.api().get("/fabric").json().path("faults").path("armed").size()).isZero();
    }

    record Bad(String name, String body, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> badSpecs() {
        return Stream.of(
                new Bad("unknown kind", "{\"faults\":[{\"kind\":\"meteor\"}]}", "faults[0].kind"),
                new Bad("missing kind", "{\"faults\":[{\"count\":1}]}", "faults[0].kind"),
                new Bad("zero count", "{\"faults\":[{\"kind\":\"bus-error\",\"count\":0}]}", "faults[0].count"),
                new Bad("delay missing", "{\"faults\":[{\"kind\":\"prg-response-delay\"}]}", "faults[0].delayMillis"),
                new Bad("delay where none is taken", "{\"faults\":[{\"kind\":\"response-failure\",\"delayMillis\":5}]}", "faults[0].delayMillis"),
                new Bad("delay too long", "{\"faults\":[{\"kind\":\"bus-latency\",\"delayMillis\":3600000}]}", "faults[0].delayMillis"),
                new Bad("device on an unscoped kind", "{\"faults\":[{\"kind\":\"evtq-overflow\",\"device\":\"" + Story.SVA_DEV + "\"}]}", "faults[0].device"),
                new Bad("unknown device", "{\"faults\":[{\"kind\":\"prg-response-drop\",\"device\":\"0000:7f:00.0\"}]}", "faults[0].device"),
                new Bad("bus client that has no bus", "{\"faults\":[{\"kind\":\"bus-error\",\"service\":\"gateway\"}]}", "faults[0].service"),
                new Bad("one kind twice", "{\"faults\":[{\"kind\":\"bus-error\"},{\"kind\":\"bus-error\",\"count\":1}]}", "faults[1].kind"),
                new Bad("unknown field", "{\"faults\":[{\"kind\":\"bus-error\",\"times\":3}]}", "times"),
                new Bad("no list", "{}", "faults")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void aBadSpecIsRefusedNamingTheFieldAndArmsNothing(Bad b) {
        Api.Response r = admin.send("PUT", "/fabric/faults", "application/json", b.body().getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(r.json().path("detail").asString()).as(r.toString()).contains(b.mentions());
        assertThat(admin.get("/fabric/faults").json().path("faults").size()).isZero();
    }

    // ------------------------------------------------------------------ PRI

    @Test
    void aDroppedPrgResponseMakesTheDeviceTimeOutAndReportIt() {
        Bound b = bound(Story.SVA_DEV, "drop", 4);
        arm(Map.of("kind", "prg-response-drop", "device", Story.SVA_DEV, "count", 1));
        JsonNode job = s.finished(Story.SVA_DEV, memset(b, b.buf(), 4, 1));
        assertThat(job.path("status").asString()).isEqualTo("FAULTED");
        assertThat(job.path("error").asString()).contains("timed out");
        await().atMost(Duration.ofSeconds(10)).until(() -> any(events("type=PRI_TIMEOUT&pasid=" + b.pasid()), "PRI_TIMEOUT", "no PRG Response"));
        assertThat(any(events("type=FAULT_INJECTED"), "FAULT_INJECTED", "prg-response-drop")).isTrue();
        // The owner sees the timeout too: the device's event carries the pid.
        assertThat(s.api().get("/events?type=PRI_TIMEOUT&pid=" + b.pid()).json().size()).isPositive();

        // The fault fired once and cleared itself: the same job now completes.
        assertThat(admin.get("/fabric/faults").json().path("faults").size()).isZero();
        s.completed(Story.SVA_DEV, memset(b, b.buf(), 4, 2));
        byte[] two = new byte[4 * Story.PAGE];
        Arrays.fill(two, (byte) 2);
        assertThat(s.read(b.pid(), b.buf(), 4 * Story.PAGE)).isEqualTo(two);
    }

    @Test
    void aDelayedPrgResponseStillCompletesTheJob() {
        Bound b = bound(Story.SVA_DEV, "delay", 2);
        arm(Map.of("kind", "prg-response-delay", "device", Story.SVA_DEV, "count", 1, "delayMillis", 300));
        s.completed(Story.SVA_DEV, memset(b, b.buf(), 2, 3));
        assertThat(any(events("type=FAULT_INJECTED"), "FAULT_INJECTED", "prg-response-delay")).isTrue();
    }

    @Test
    void responseFailureDisablesPriOnTheFunctionUntilReEnabled() {
        Bound b = bound(Story.SVA_DEV2, "response-failure", 8);
        arm(Map.of("kind", "response-failure", "device", Story.SVA_DEV2, "count", 1));
        JsonNode first = s.finished(Story.SVA_DEV2, memset(b, b.buf(), 4, 1));
        assertThat(first.path("status").asString()).isEqualTo("FAULTED");
        assertThat(first.path("error").asString()).contains("Response Failure");

        // The fault is spent, but the function keeps PRI stopped: no page request is sent.
        assertThat(admin.get("/fabric/faults").json().path("faults").size()).isZero();
        JsonNode second = s.finished(Story.SVA_DEV2, memset(b, b.buf() + 4 * Story.PAGE, 4, 1));
        assertThat(second.path("status").asString()).isEqualTo("FAULTED");
        assertThat(second.path("error").asString()).contains("Response Failure");
        assertThat(second.path("faults").path("pageRequests").asLong()).isZero();

        // Software re-enables PRI (sva shutdown + init re-runs pci_enable_pri): page requests flow again.
        assertThat(s.api().delete("/devices/" + Story.SVA_DEV2 + "/sva/bonds/" + b.pasid()).status()).isEqualTo(204);
        assertThat(s.api().delete("/devices/" + Story.SVA_DEV2 + "/sva").status()).isEqualTo(204);
        s.svaInit(Story.SVA_DEV2);
        int pasid = s.bind(Story.SVA_DEV2, b.pid());
        s.completed(Story.SVA_DEV2, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(b.buf()), "length", 8 * Story.PAGE,
                "value", 9));
        s.api().delete("/devices/" + Story.SVA_DEV2 + "/sva/bonds/" + pasid);
    }

    @Test
    void aPriQueueOverflowDiscardsThePartialGroupIsReportedAndTheRetryCompletes() {
        Bound b = bound(Story.SVA_DEV, "priq-overflow", 8);
        arm(Map.of("kind", "priq-overflow", "count", 1));
        JsonNode job = s.completed(Story.SVA_DEV, memset(b, b.buf(), 8, 0x3c));
        byte[] expected = new byte[8 * Story.PAGE];
        Arrays.fill(expected, (byte) 0x3c);
        assertThat(s.read(b.pid(), b.buf(), 8 * Story.PAGE)).isEqualTo(expected);
        // The overflowed group was answered by the SMMU itself; the device asked again.
        assertThat(job.path("faults").path("groups").asLong()).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> any(events("type=PRIQ_OVERFLOW"), "PRIQ_OVERFLOW", "partial groups discarded"));
    }

    // ------------------------------------------------------------------ event queue

    @Test
    void anEventQueueOverflowIsReported() {
        Story user = s;
        long pid = user.process("evtq");
        long buf = user.mmap(pid, 4 * Story.PAGE, "rw");
        long c = vfioContainer(pid);
        String iova = "0x200000";
        Map<String, Object> memset = Map.of("op", "memset", "dst", iova, "length", Story.PAGE, "value", 1);

        arm(Map.of("kind", "evtq-overflow", "count", 1));
        JsonNode faulted = s.api().post("/vfio/devices/" + Story.CLASSIC_DEV + "/jobs?wait=true", memset).json();
        assertThat(faulted.path("status").asString()).isEqualTo("FAULTED");
        assertThat(faulted.path("error").asString()).contains("F_TRANSLATION");
        await().atMost(Duration.ofSeconds(10)).until(() -> any(events("type=EVTQ_OVERFLOW"), "EVTQ_OVERFLOW", "discarded"));

        // Cleared: the next fault's record reaches the log again.
        assertThat(admin.get("/fabric/faults").json().path("faults").size()).isZero();
        s.api().post("/vfio/devices/" + Story.CLASSIC_DEV + "/jobs?wait=true", memset);
        await().atMost(Duration.ofSeconds(10)).until(() -> events("type=F_TRANSLATION&device=" + Story.CLASSIC_DEV).size() > 0);
        assertThat(s.api().delete("/vfio/containers/" + c).status()).isEqualTo(204);
        assertThat(buf).isPositive();
    }

    private long vfioContainer(long pid) {
        Api.Response c = s.api().post("/vfio/containers", Map.of("pid", pid));
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        long id = c.json().path("id").asLong();
        int group = -1;
        for (JsonNode g : s.api().get("/vfio/groups").json()) {
            if (g.path("devices").toString().contains("\"" + Story.CLASSIC_DEV + "\"")) {
                group = g.path("id").asInt();
            }
        }
        assertThat(s.api().put("/vfio/containers/" + id + "/groups/" + group, "").status()).isEqualTo(204);
        assertThat(s.api().put("/vfio/containers/" + id + "/iommu", Map.of("type", "TYPE1v2")).status()).isEqualTo(204);
        return id;
    }

    // ------------------------------------------------------------------ ATS invalidation

    @Test
    void aLateAtsInvalidationCompletionIsReportedAndNoDmaReachesTheFreedFrame() {
        Bound b = bound(Story.SVA_DEV, "atc-inv", 8);
        s.completed(Story.SVA_DEV, memset(b, b.buf(), 8, 0x11)); // the device's ATC now holds all 8 pages
        arm(Map.of("kind", "atc-inv-timeout", "device", Story.SVA_DEV, "count", 1, "delayMillis", 3000));
        long victim = b.buf() + 4 * Story.PAGE;
        Api.Response unmap = s.api().post("/processes/" + b.pid() + "/munmap", Map.of("addr", Story.hex(victim), "length", 4 * Story.PAGE));
        assertThat(unmap.status()).as(unmap.toString()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> any(events("type=GERROR"), "GERROR", "CERROR_ATC_INV_SYNC"));

        // The endpoint dropped the entries before it (late) completed: DMA to the range faults, it is not translated from the ATC.
        JsonNode job = s.finished(Story.SVA_DEV, memset(b, victim, 4, 0x66));
        assertThat(job.path("status").asString()).isEqualTo("FAULTED");
        assertThat(job.path("bytes").asLong()).isZero();
        byte[] kept = new byte[4 * Story.PAGE];
        Arrays.fill(kept, (byte) 0x11);
        assertThat(s.read(b.pid(), b.buf(), 4 * Story.PAGE)).as("the rest of the buffer is untouched").isEqualTo(kept);
    }

    // ------------------------------------------------------------------ memory bus

    @Test
    void busLatencyIsVisibleInTheJob() {
        Bound b = bound(Story.SVA_DEV, "bus-latency", 2);
        arm(Map.of("kind", "bus-latency", "service", "device-service", "delayMillis", 100));
        JsonNode job = s.completed(Story.SVA_DEV, memset(b, b.buf(), 2, 4));
        JsonNode armed = admin.get("/fabric/faults").json().path("faults").get(0);
        assertThat(armed.path("fired").asLong()).as("the job's bus accesses waited").isPositive();
        // A lower bound only (each access slept at least the delay), never an upper one.
        assertThat(job.path("latencyMicros").asLong()).isGreaterThanOrEqualTo(100_000L);
    }

    @Test
    void aBusErrorBecomesAJobErrorNotA500() {
        Bound b = bound(Story.SVA_DEV, "bus-error", 2);
        s.completed(Story.SVA_DEV, memset(b, b.buf(), 2, 5));
        arm(Map.of("kind", "bus-error", "service", "device-service", "count", 1));
        Api.Response r = s.job(Story.SVA_DEV, memset(b, b.buf(), 2, 6));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("status").asString()).isEqualTo("FAULTED");
        assertThat(r.json().path("error").asString()).contains("memory bus error");
        // One error, then the bus is sound again.
        s.completed(Story.SVA_DEV, memset(b, b.buf(), 2, 7));
    }

    // ------------------------------------------------------------------ after DELETE

    @Test
    void afterDeleteTheFabricWorksAsBefore() {
        arm(Map.of("kind", "prg-response-drop"), Map.of("kind", "bus-error", "service", "device-service"),
                Map.of("kind", "evtq-overflow"));
        assertThat(admin.delete("/fabric/faults").status()).isEqualTo(204);
        assertThat(admin.get("/fabric/faults").json().path("enabled").asBoolean()).isFalse();
        Bound b = bound(Story.SVA_DEV, "after-delete", 16);
        JsonNode job = s.completed(Story.SVA_DEV, memset(b, b.buf(), 16, 0x42));
        assertThat(job.path("faults").path("pageRequests").asLong()).isPositive();
        byte[] expected = new byte[16 * Story.PAGE];
        Arrays.fill(expected, (byte) 0x42);
        assertThat(s.read(b.pid(), b.buf(), 16 * Story.PAGE)).isEqualTo(expected);
    }
}
