package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * The SVA story end to end, through the gateway and the four services: devices doing DMA into
 * malloc'ed memory of a bound process, every fault going through PRI (PCIe) or stall (platform).
 */
@ExtendWith(FabricExtension.class)
class SvaScenarioTest {
    private static final int MIB16 = 16 << 20;
    private final Story s;
    private final Fabric fabric;

    SvaScenarioTest(Fabric fabric) {
        this.fabric = fabric;
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @Test
    void memcpyOf16MiBIntoUntouchedMemoryFaultsEveryDestinationPageThroughPri() throws Exception {
        long pid = s.process("memcpy");
        // One mapping: guard page, source, guard page, destination, guard page.
        long base = s.mmap(pid, 2L * MIB16 + 3 * Story.PAGE, "rw");
        long src = base + Story.PAGE;
        long dst = src + MIB16 + Story.PAGE;
        byte[] guard = new byte[Story.PAGE];
        Arrays.fill(guard, (byte) 0xA5);
        s.write(pid, base, guard);
        s.write(pid, src + MIB16, guard);
        s.write(pid, dst + MIB16, guard);
        byte[] pattern = new byte[MIB16];
        new Random(7).nextBytes(pattern);
        s.write(pid, src, pattern);

        s.svaInit(Story.SVA_DEV);
        int pasid = s.bind(Story.SVA_DEV, pid);
        assertThat(pasid).isPositive();

        JsonNode done = s.submitAndAwait(Story.SVA_DEV, Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src),
                "dst", Story.hex(dst), "length", MIB16), Duration.ofMinutes(5));
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("faults").path("pageRequests").asLong()).as("every destination page faulted")
                .isGreaterThanOrEqualTo(MIB16 / Story.PAGE);
        assertThat(done.path("faults").path("groups").asLong()).isPositive();
        assertThat(done.path("faults").path("invalid").asLong()).isZero();

        assertThat(s.read(pid, dst, MIB16)).isEqualTo(pattern);
        assertThat(s.read(pid, base, Story.PAGE)).isEqualTo(guard);
        assertThat(s.read(pid, src + MIB16, Story.PAGE)).isEqualTo(guard);
        assertThat(s.read(pid, dst + MIB16, Story.PAGE)).isEqualTo(guard);

        JsonNode dev = s.api().get("/devices/" + Story.SVA_DEV).json();
        long allocated = dev.path("description").path("pri").path("outstandingPageRequests").asLong();
        assertThat(dev.path("metrics").path("maxOutstandingPageRequests").asLong()).isBetween(1L, allocated);

        JsonNode events = s.api().get("/events?type=PRI_REQUEST&pasid=" + pasid + "&size=5").json();
        assertThat(events.isArray()).isTrue();
        assertThat(events.size()).isPositive();
    }

    @Test
    void twoDevicesBoundToOneProcessShareItsPasid() {
        long pid = s.process("shared");
        s.svaInit(Story.SVA_DEV);
        s.svaInit(Story.SVA_DEV2);
        int a = s.bind(Story.SVA_DEV, pid);
        int b = s.bind(Story.SVA_DEV2, pid);
        assertThat(b).isEqualTo(a);
        JsonNode found = s.api().get("/sva/pasids/" + a).json();
        assertThat(found.path("pid").asLong()).isEqualTo(pid);
        assertThat(found.path("devices").toString()).contains(Story.SVA_DEV, Story.SVA_DEV2);
    }

    @Test
    void theStallingPlatformDeviceFillsAndSumsUntouchedMemory() {
        long pid = s.process("stall");
        long buf = s.mmap(pid, 1 << 20, "rw");
        s.svaInit(Story.STALL_DEV);
        int pasid = s.bind(Story.STALL_DEV, pid);

        JsonNode fill = s.completed(Story.STALL_DEV, Map.of("op", "rand48", "pasid", pasid, "dst", Story.hex(buf),
                "length", 1 << 20, "seed", 42));
        assertThat(fill.path("faults").path("stalls").asLong()).as("untouched pages stall").isPositive();
        byte[] bytes = s.read(pid, buf, 1 << 20);
        assertThat(Arrays.copyOf(bytes, 4)).as("mrand48 after srand48(42), little-endian").containsExactly(0xBE, 0x30, 0x99, 0xBE);

        JsonNode sum = s.completed(Story.STALL_DEV, Map.of("op", "sum64", "pasid", pasid, "src", Story.hex(buf), "length", 1 << 20));
        long expected = 0;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (bb.hasRemaining()) {
            expected += bb.getLong();
        }
        assertThat(Long.parseUnsignedLong(sum.path("result").asString().substring(2), 16)).isEqualTo(expected);
    }

    @Test
    void afterMunmapAJobOnTheOldAddressFaultsAndAfterUnbindTheOldPasidFails() {
        long pid = s.process("stale");
        long src = s.mmap(pid, 64 * Story.PAGE, "rw");
        long dst = s.mmap(pid, 64 * Story.PAGE, "rw");
        s.svaInit(Story.SVA_DEV);
        int pasid = s.bind(Story.SVA_DEV, pid);
        Map<String, Object> copy = Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", 64 * Story.PAGE);
        s.completed(Story.SVA_DEV, copy);

        assertThat(s.api().post("/processes/" + pid + "/munmap", Map.of("addr", Story.hex(src), "length", 64 * Story.PAGE)).status()).isEqualTo(204);
        JsonNode after = s.finished(Story.SVA_DEV, copy);
        assertThat(after.path("status").asString()).isEqualTo("FAULTED");
        assertThat(Long.decode(after.path("faultAddr").asString())).isEqualTo(src);

        assertThat(s.api().delete("/devices/" + Story.SVA_DEV + "/sva/bonds/" + pasid).status()).isEqualTo(204);
        // The PASID no longer names a process: the gateway refuses the job before it reaches the device.
        Api.Response unbound = s.job(Story.SVA_DEV, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(dst), "length", Story.PAGE, "value", 1));
        assertThat(unbound.status()).isEqualTo(404);
        assertThat(unbound.json().path("errno").asString()).isEqualTo("ESRCH");
    }

    @Test
    void aMemcpyIntoAReadOnlyMappingGetsInvalidAndWritesNothing() {
        long pid = s.process("readonly");
        long src = s.mmap(pid, 16 * Story.PAGE, "rw");
        long dst = s.mmap(pid, 16 * Story.PAGE, "rw");
        byte[] ones = new byte[16 * Story.PAGE];
        Arrays.fill(ones, (byte) 1);
        s.write(pid, src, ones);
        assertThat(s.api().post("/processes/" + pid + "/mprotect", Map.of("addr", Story.hex(dst), "length", 16 * Story.PAGE, "prot", "r")).status()).isEqualTo(204);
        s.svaInit(Story.SVA_DEV);
        int pasid = s.bind(Story.SVA_DEV, pid);
        JsonNode r = s.finished(Story.SVA_DEV, Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", 16 * Story.PAGE));
        assertThat(r.path("status").asString()).isEqualTo("FAULTED");
        assertThat(r.path("faults").path("invalid").asLong()).isPositive();
        assertThat(s.read(pid, dst, 16 * Story.PAGE)).containsOnly((byte) 0);
    }

    /** v1 lifetime (sva-v1-semantics §1.9 release, §4.2): the exit detaches every bond and frees the PASID. */
    @Test
    void aProcessThatExitsWhileBoundRunsTheDriversMmExitAndFreesItsPasidAtExit() throws Exception {
        long pid = s.process("exiting");
        s.svaInit(Story.SVA_DEV);
        s.svaInit(Story.SVA_DEV2);
        int pasid = s.bind(Story.SVA_DEV, pid);
        assertThat(s.bind(Story.SVA_DEV2, pid)).isEqualTo(pasid);
        double stopMarkersBefore = iopfStopMarkers();
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(s.api().get("/events?type=MM_EXIT&pasid=" + pasid).json().size()).as("mm_exit reached the core").isPositive());
        assertThat(s.api().get("/sva/pasids/" + pasid).status()).as("iommu_sva_find: an exited mm is not found").isEqualTo(404);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(bondsAt(Story.SVA_DEV, pasid)).as("the exit freed the bond").isZero());
        assertThat(bondsAt(Story.SVA_DEV2, pasid)).isZero();
        // PCIe PASID stop on the PRI device's mm_exit path: its Stop Marker (L = 1, R = W = 0) went through the
        // SMMU's PRI queue into the IOPF queue, which took it without a response.
        assertThat(s.api().as(Fabric.ADMIN_TOKEN).get("/events?type=PRI_STOP_MARKER&device=" + Story.SVA_DEV + "&pasid=" + pasid)
                .json().size()).as("the device's Stop Marker").isPositive();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(iopfStopMarkers()).isGreaterThan(stopMarkersBefore));

        for (String dev : List.of(Story.SVA_DEV, Story.SVA_DEV2)) {
            Api.Response late = s.api().delete("/devices/" + dev + "/sva/bonds/" + pasid);
            assertThat(late.status()).as("iommu_sva_unbind_device after exit").isEqualTo(404);
            assertThat(late.json().path("errno").asString()).isEqualTo("ESRCH");
            assertThat(late.contentType()).startsWith("application/problem+json");
        }
        long other = s.process("newcomer");
        int next = s.bind(Story.SVA_DEV, other);
        assertThat(s.api().delete("/devices/" + Story.SVA_DEV + "/sva/bonds/" + next).status()).isEqualTo(204);
    }

    /**
     * v1 series patch 30 ("ACPI/IORT: Check ATS capability in root complex nodes"): an ATS endpoint hot-plugged below
     * rc1, a root complex without the ATS attribute, gets no ATS from the SMMU driver; its DMA goes untranslated to
     * the SMMU, which translates it, and its ATC is never used.
     */
    @Test
    void anAtsEndpointBelowARootComplexWithoutAtsIsTranslatedByTheSmmuNotItsAtc() {
        String dev = "0000:06:00.0";
        Api admin = s.api().as(Fabric.ADMIN_TOKEN);
        Api.Response plugged = admin.post("/devices", Map.of("id", dev, "type", "pci", "pasid", Map.of("bits", 16),
                "pri", Map.of("outstandingPageRequests", 8), "ats", Map.of("atcEntries", 16), "rootComplex", "rc1"));
        assertThat(plugged.status()).as(plugged.toString()).isEqualTo(201);
        s.svaInit(dev);
        long pid = s.process("below-rc1");
        long buf = s.mmap(pid, 4 * Story.PAGE, "rw");
        s.write(pid, buf, new byte[4 * Story.PAGE]);
        int pasid = s.bind(dev, pid);
        s.completed(dev, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", 4 * Story.PAGE, "value", 0x5a));
        assertThat(s.read(pid, buf, 4 * Story.PAGE)).containsOnly((byte) 0x5a);
        JsonNode view = admin.get("/devices/" + dev).json();
        assertThat(view.at("/capabilities/ats").asBoolean()).as("the endpoint has ATS").isTrue();
        assertThat(view.at("/description/rootComplex").asString()).isEqualTo("rc1");
        assertThat(view.at("/pcie/atsEnabled").asBoolean()).as(view.toString()).isFalse();
        assertThat(view.at("/pcie/pasidEnabled").asBoolean()).isTrue();
        assertThat(view.at("/metrics/atcHits").asLong() + view.at("/metrics/atcMisses").asLong()).as("no ATC lookup").isZero();
    }

    private double iopfStopMarkers() {
        String metrics = new Api(fabric.url("iommu"), null).withServiceToken(Fabric.SERVICE_TOKEN).get("/actuator/prometheus").text();
        return metrics.lines().filter(l -> l.startsWith("sva_iopf_stop_markers_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private int bondsAt(String dev, int pasid) {
        int n = 0;
        for (JsonNode b : s.api().as(Fabric.ADMIN_TOKEN).get("/devices/" + dev + "/sva/bonds").json()) {
            if (b.path("pasid").asInt() == pasid) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aJobRunningWhileItsProcessExitsEndsAbortedOrCompletedAndLeavesNoPageRequestOutstanding() throws Exception {
        long pid = s.process("dies-during-dma");
        long src = s.mmap(pid, 4 << 20, "rw");
        long dst = s.mmap(pid, 4 << 20, "rw");
        s.svaInit(Story.SVA_DEV);
        assertThat(s.api().put("/devices/" + Story.SVA_DEV + "/sva/mm-exit-handler", Map.of("policy", "stop-dma")).status()).isEqualTo(204);
        int pasid = s.bind(Story.SVA_DEV, pid);
        Api.Response submitted = s.api().post("/devices/" + Story.SVA_DEV + "/jobs",
                Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", 4 << 20));
        assertThat(submitted.status()).isEqualTo(202);
        String jobId = submitted.json().path("jobId").asString();
        Thread.sleep(300);
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);

        JsonNode job = null;
        for (int i = 0; i < 600; i++) {
            job = s.api().get("/jobs/" + jobId).json();
            if (!job.path("status").asString().matches("QUEUED|RUNNING")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(job.path("status").asString()).as(job.toString()).isIn("ABORTED", "COMPLETED");
        String exits = "";
        for (int i = 0; i < 100 && !exits.contains("device-service"); i++) {
            // The device driver's own event names the PASID only (it does not know pids): admin sees it.
            exits = s.api().as(Fabric.ADMIN_TOKEN).get("/events?type=MM_EXIT&pasid=" + pasid).json().toString();
            Thread.sleep(100);
        }
        assertThat(exits).as("the device driver acknowledged mm_exit").contains("device-service");
        assertThat(s.api().get("/devices/" + Story.SVA_DEV).json().path("metrics").path("outstandingPageRequests").asLong())
                .as("no page request of the PASID is left outstanding").isZero();
        assertThat(s.api().delete("/devices/" + Story.SVA_DEV + "/sva/bonds/" + pasid).status()).as("v1: the exit released the bond").isEqualTo(404);
    }

    @Test
    void bindingAnotherUidsProcessIsRefusedAsIfItDidNotExist() {
        long theirs = new Story(s.api().as(Fabric.OTHER_USER_TOKEN)).process("theirs");
        s.svaInit(Story.SVA_DEV);
        Api.Response r = s.api().post("/devices/" + Story.SVA_DEV + "/sva/bonds", Map.of("pid", theirs));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("errno").asString()).isEqualTo("ESRCH");
    }
}
