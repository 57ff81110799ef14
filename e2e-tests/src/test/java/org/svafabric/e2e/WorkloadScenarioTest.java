package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * Workloads through the gateway over real HTTP: each mode and fault mode once, small (KiB
 * buffers, a few jobs), and cancel; after each, the mm and iommu counters are back where they
 * were: no process, bond, container, domain or pinned page left behind.
 */
@ExtendWith(FabricExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkloadScenarioTest {
    private final Fabric fabric;
    private final Api api;
    private final Api admin;

    WorkloadScenarioTest(Fabric fabric) {
        this.fabric = fabric;
        this.api = new Api(fabric.gateway(), Fabric.USER_TOKEN);
        this.admin = api.as(Fabric.ADMIN_TOKEN);
    }

    /** What a workload must give back: running processes of the uid, bonds and pinned pages, domains, containers. */
    private record Counters(long runningProcesses, long bonds, long pinnedPages, long domains, String groupsInContainers) {
    }

    private Counters counters() {
        long running = 0;
        for (JsonNode p : api.get("/processes?size=1000").json()) {
            if ("RUNNING".equals(p.path("state").asString())) {
                running++;
            }
        }
        long bonds = 0;
        for (String dev : List.of(Story.SVA_DEV, Story.SVA_DEV2, Story.STALL_DEV)) {
            bonds += admin.get("/devices/" + dev + "/sva/bonds").json().size();
        }
        long pinned = new Api(fabric.url("mm"), null).get("/mm/v1/ram").json().path("pinnedPages").asLong();
        long domains = new Api(fabric.url("iommu"), null).get("/iommu/v1/domains").json().size();
        StringBuilder taken = new StringBuilder();
        for (JsonNode g : api.get("/vfio/groups").json()) {
            if (!g.path("container").isNull() && !g.path("container").isMissingNode()) {
                taken.append(g.path("id").asInt()).append(' ');
            }
        }
        return new Counters(running, bonds, pinned, domains, taken.toString());
    }

    private static Map<String, Object> workload(List<String> devices, int processes, String op, String mode, String faultMode,
                                                int concurrency) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("devices", devices);
        w.put("processes", processes);
        w.put("bufferBytes", 16384);
        w.put("op", op);
        w.put("mode", mode);
        w.put("faultMode", faultMode);
        w.put("concurrency", concurrency);
        return w;
    }

    private String submit(Map<String, Object> body) {
        Api.Response r = api.post("/workloads", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().path("id").asString();
        assertThat(id).isNotBlank();
        return id;
    }

    private JsonNode await(String id) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = api.get("/workloads/" + id).json();
            String s = last[0].path("status").asString();
            return !s.equals("QUEUED") && !s.equals("RUNNING");
        });
        return last[0];
    }

    private JsonNode runToEnd(Map<String, Object> body) {
        Counters before = counters();
        JsonNode w = await(submit(body));
        assertThat(w.path("status").asString()).as(w.toString()).isEqualTo("COMPLETED");
        JsonNode r = w.path("report");
        assertThat(r.path("errors").path("count").asLong()).as(w.toString()).isZero();
        assertThat(counters()).as("the workload left nothing behind").isEqualTo(before);
        return r;
    }

    @Test
    void svaWarmMemcpyOverTwoDevicesChecksEveryJobWithoutPageFaults() {
        Map<String, Object> body = workload(List.of(Story.SVA_DEV, Story.SVA_DEV2), 2, "memcpy", "sva", "warm", 2);
        body.put("jobs", 4);
        JsonNode r = runToEnd(body);
        assertThat(r.path("jobs").asLong()).isEqualTo(4);
        assertThat(r.path("faultsPerJob").path("pageRequests").asDouble()).as("warm: every page resident").isZero();
        assertThat(r.path("jobLatencyMicros").path("max").asLong()).isPositive();
        assertThat(r.path("bytesPerSecond").asDouble()).isPositive();
        assertThat(r.path("series").size()).isPositive();
    }

    @Test
    void svaColdFaultsEveryFreshDestinationThroughPriAndStall() {
        Map<String, Object> body = workload(List.of(Story.SVA_DEV, Story.STALL_DEV), 1, "memcpy", "sva", "cold", 2);
        body.put("jobs", 4);
        JsonNode r = runToEnd(body);
        assertThat(r.path("jobs").asLong()).isEqualTo(4);
        assertThat(r.path("faultsPerJob").path("pageRequests").asDouble()).as("PCIe device: PRI page requests").isPositive();
        assertThat(r.path("faultsPerJob").path("stalls").asDouble()).as("platform device: stalls").isPositive();
        assertThat(r.path("prgRoundTripMicros").path("p50").asLong()).as("device-measured PRG round trips").isPositive();
        JsonNode model = r.path("model");
        assertThat(model.path("jobs").asLong()).as("jobs that carried the timing model").isPositive();
        assertThat(model.path("jobLatencyNanos").path("p50").asLong()).isPositive();
        assertThat(model.path("breakdown").has("mmFaultMajor")).as("first touch: handle_mm_fault allocates").isTrue();
    }

    @Test
    void svaReclaimSwapsBuffersOutUnderLoadAndTheJobsFaultThemBackIn() {
        Map<String, Object> body = workload(List.of(Story.SVA_DEV), 1, "memset", "sva", "reclaim", 1);
        body.put("durationSeconds", 3);
        body.put("reclaimEverySeconds", 1);
        JsonNode r = runToEnd(body);
        assertThat(r.path("jobs").asLong()).isPositive();
        assertThat(r.path("reclaimedPages").asLong()).isPositive();
        assertThat(r.path("invalidations").path("tlbi").asLong() + r.path("invalidations").path("atcInv").asLong())
                .as("reclaiming bound pages invalidates the SMMU's TLB and the device's ATC").isPositive();
    }

    @Test
    void pinnedWarmAndColdRunClassicalDmaAndUnpinEverything() {
        Map<String, Object> warm = workload(List.of(Story.CLASSIC_DEV), 1, "memcpy", "pinned", "warm", 1);
        warm.put("jobs", 3);
        JsonNode w = runToEnd(warm);
        assertThat(w.path("jobs").asLong()).isEqualTo(3);
        assertThat(w.path("faultsPerJob").path("pageRequests").asDouble()).isZero();

        Map<String, Object> cold = workload(List.of(Story.CLASSIC_DEV), 1, "memset", "pinned", "cold", 1);
        cold.put("jobs", 3);
        JsonNode c = runToEnd(cold);
        assertThat(c.path("pinning").path("pages").asLong()).as("each job's fresh destination pinned by MAP_DMA").isEqualTo(3 * 4);
        assertThat(c.path("pinning").path("mapUnmapMicros").path("max").asLong()).isPositive();
        // default prices: 4 pages x (300 pin + 150 unpin) + the unmap's TLBI (100) and CMD_SYNC (800), no ATS on this device
        assertThat(c.path("pinning").path("modelNanosPerJob").asLong()).isEqualTo(4 * 450 + 900);
        assertThat(c.path("model").path("jobLatencyNanos").path("p50").asLong()).isPositive();
    }

    @Test
    void cancelStopsARunningWorkloadAndTearsItDown() {
        Counters before = counters();
        Map<String, Object> body = workload(List.of(Story.SVA_DEV), 1, "memcpy", "sva", "warm", 1);
        body.put("durationSeconds", 600);
        String id = submit(body);
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> api.get("/workloads/" + id).json().path("progress").path("jobs").asLong() >= 1);
        Api.Response cancel = api.delete("/workloads/" + id);
        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(202);
        JsonNode w = await(id);
        assertThat(w.path("status").asString()).as(w.toString()).isEqualTo("CANCELLED");
        assertThat(w.path("report").path("jobs").asLong()).isPositive();
        assertThat(counters()).isEqualTo(before);
    }

    @Test
    void aWorkloadIsInvisibleToAnotherUidAndHasAReportPage() {
        Map<String, Object> body = workload(List.of(Story.SVA_DEV2), 1, "memset", "sva", "warm", 1);
        body.put("jobs", 1);
        Api.Response r = api.post("/workloads", body);
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().path("id").asString();
        await(id);
        assertThat(api.as(Fabric.OTHER_USER_TOKEN).get("/workloads/" + id).status()).isEqualTo(404);
        Api.Response page = api.get("/workloads/" + id + "/report.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("uPlot").contains(id);
        JsonNode mine = api.get("/workloads?size=1000").json();
        assertThat(mine.toString()).contains(id);
        assertThat(api.as(Fabric.OTHER_USER_TOKEN).get("/workloads?size=1000").json().toString()).doesNotContain(id);
        String metrics = new Api(fabric.url("gateway"), null).get("/actuator/prometheus").text();
        assertThat(metrics).contains("workloads_ended_total{").contains("workloads_jobs_total{").contains("workloads_active");
    }

    @Test
    void badInputIsRefusedWithErrnoBeforeAnythingIsCreated() {
        Counters before = counters();
        Map<String, Object> unknownDevice = workload(List.of("0000:7f:00.0"), 1, "memcpy", "sva", "warm", 1);
        unknownDevice.put("jobs", 1);
        refused(unknownDevice, 404, "ENODEV");
        Map<String, Object> noProcesses = workload(List.of(Story.SVA_DEV), 0, "memcpy", "sva", "warm", 1);
        noProcesses.put("jobs", 1);
        refused(noProcesses, 400, "EINVAL");
        Map<String, Object> huge = workload(List.of(Story.SVA_DEV), 1, "memcpy", "sva", "warm", 1);
        huge.put("bufferBytes", (1L << 30) + 4096);
        huge.put("jobs", 1);
        refused(huge, 400, "EINVAL");
        Map<String, Object> overQueue = workload(List.of(Story.CLASSIC_DEV), 1, "memcpy", "pinned", "warm", 33);
        overQueue.put("jobs", 1);
        refused(overQueue, 400, "EINVAL");
        Map<String, Object> badOp = workload(List.of(Story.SVA_DEV), 1, "rand48", "sva", "warm", 1);
        badOp.put("jobs", 1);
        refused(badOp, 400, "EINVAL");
        Map<String, Object> badCost = workload(List.of(Story.SVA_DEV), 1, "memcpy", "sva", "warm", 1);
        badCost.put("jobs", 1);
        badCost.put("timing", Map.of("warpDrive", 1));
        refused(badCost, 400, "EINVAL");
        Map<String, Object> svaWithoutPasid = workload(List.of(Story.CLASSIC_DEV), 1, "memcpy", "sva", "warm", 1);
        svaWithoutPasid.put("jobs", 1);
        refused(svaWithoutPasid, 400, "EINVAL");

        // pinned on a device whose group another container holds: it has no private domain to give this workload
        Story s = new Story(api);
        long pid = s.process("holds-the-group");
        long c = api.post("/vfio/containers", Map.of("pid", pid)).json().path("id").asLong();
        int group = -1;
        for (JsonNode g : api.get("/vfio/groups").json()) {
            if (g.path("devices").toString().contains(Story.CLASSIC_DEV)) {
                group = g.path("id").asInt();
            }
        }
        assertThat(api.put("/vfio/containers/" + c + "/groups/" + group, "").status()).isEqualTo(204);
        Map<String, Object> taken = workload(List.of(Story.CLASSIC_DEV), 1, "memcpy", "pinned", "warm", 1);
        taken.put("jobs", 1);
        refused(taken, 409, "EBUSY");
        assertThat(api.delete("/vfio/containers/" + c).status()).isEqualTo(204);
        assertThat(api.delete("/processes/" + pid).status()).isEqualTo(202);
        assertThat(counters()).isEqualTo(before);
    }

    private void refused(Map<String, Object> body, int status, String errno) {
        Api.Response r = api.post("/workloads", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).as(r.toString()).isEqualTo(errno);
        assertThat(r.json().path("detail").asString()).isNotBlank();
    }
}
