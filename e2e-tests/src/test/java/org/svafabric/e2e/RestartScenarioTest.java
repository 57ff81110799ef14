package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.BootWatchdog;
import org.svafabric.api.boot.PeerBoots;

import tools.jackson.databind.JsonNode;

/**
 * Restarts are machine events: each service is restarted (same port, same database) under a running job, and
 * the invariant audit is clean afterwards; the fabric works again without restarting anything else. The
 * fabric here is this class's own, since a reboot of RAM makes every process of every other test LOST.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestartScenarioTest {
    private static final int BUF = 64 * 1024;
    private static final long BIG = 16L << 20;

    private Fabric fabric;
    private Story s;
    private Api admin;

    @BeforeAll
    void boot() throws Exception {
        fabric = Fabric.start();
        s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
        admin = new Api(fabric.gateway(), Fabric.ADMIN_TOKEN);
    }

    @AfterAll
    void shutDown() {
        if (fabric != null) {
            fabric.close();
        }
    }

    /**
     * The first bullet: A's translations in the device's ATC must never serve B after an SMMU reset,
     * even when B is given A's PASID. Without the probe's ATC invalidation, B's memset completed with no page
     * request and its bytes landed in A's buffer.
     */
    @Test
    @Order(1)
    void afterAnIommuRestartProcessBNeverUsesProcessAsTranslations() {
        s.svaInit(Story.SVA_DEV);
        long a = s.process("restart-a");
        long bufA = s.mmap(a, BUF, "rw");
        int pasidA = s.bind(Story.SVA_DEV, a);
        JsonNode jobA = s.completed(Story.SVA_DEV, memset(pasidA, bufA, 0xa5));
        assertThat(jobA.path("faults").path("pageRequests").asLong()).as("A's buffer was faulted in through PRI").isPositive();

        fabric.restart("iommu");

        s.svaInit(Story.SVA_DEV); // the SMMU was reset: SVA is initialised again, as a driver's probe does
        long b = s.process("restart-b");
        long bufB = s.mmap(b, BUF, "rw");
        int pasidB = s.bind(Story.SVA_DEV, b);
        assertThat(pasidB).as("PASIDs start clean after the reset, so B gets A's old PASID").isEqualTo(pasidA);
        JsonNode jobB = s.completed(Story.SVA_DEV, memset(pasidB, bufB, 0x5b));
        assertThat(jobB.path("faults").path("pageRequests").asLong())
                .as("B's pages were translated afresh, not served from A's ATC entries").isPositive();

        assertThat(s.read(a, bufA, BUF)).as("A's buffer keeps A's bytes").isEqualTo(filled(0xa5));
        assertThat(s.read(b, bufB, BUF)).as("B's bytes are in B's buffer").isEqualTo(filled(0x5b));
        assertClean();
    }

    @Test
    @Order(2)
    void iommuRestartUnderARunningJob() throws Exception {
        Running r = runningJob("iommu-under-job");
        fabric.restart("iommu");
        JsonNode job = await(r.jobId);
        assertThat(job.path("status").asString()).as(job.toString()).isIn("ABORTED", "FAULTED");
        assertWorksAgain();
        assertClean();
    }

    @Test
    @Order(3)
    void deviceServiceRestartUnderARunningJob() throws Exception {
        Running r = runningJob("device-under-job");
        fabric.restart("device");
        awaitNoBond(r.pid);
        assertThat(unbindEvents(r.pid)).as("the bond went with a reason").anyMatch(d -> d.contains("device-service rebooted"));
        assertWorksAgain();
        assertClean();
    }

    @Test
    @Order(4)
    void gatewayRestartUnderARunningJob() throws Exception {
        Running r = runningJob("gateway-under-job");
        fabric.restart("gateway");
        JsonNode job = await(r.jobId);
        assertThat(job.path("status").asString()).as("the job did not depend on the gateway: " + job).isEqualTo("COMPLETED");
        assertWorksAgain();
        assertClean();
    }

    /** RAM rebooted: processes LOST, the SMMU reboots itself into the new RAM, and nothing is wedged. */
    @Test
    @Order(5)
    void mmRestartUnderARunningJobIsAMachineReboot() throws Exception {
        Running r = runningJob("mm-under-job");
        ConfigurableApplicationContext smmuBefore = fabric.context("iommu");
        fabric.restart("mm");
        fabric.awaitRebooted("iommu", smmuBefore, Duration.ofMinutes(2));
        JsonNode job = await(r.jobId);
        assertThat(job.path("status").asString()).as(job.toString()).isIn("ABORTED", "FAULTED");
        assertThat(s.api().get("/processes/" + r.pid).json().path("state").asString()).isEqualTo("LOST");
        assertThat(unbindEvents(r.pid)).as("the bond went with the reason").anyMatch(d -> d.contains("mm-service rebooted"));
        assertWorksAgain();
        assertClean();
    }

    /**
     * GET /fabric reaches mm-service by its liveness probe on every view (its full health, with the database check,
     * is held for a second): a stopped mm-service is DOWN in the first view after the stop, with the reason, and the
     * rest of the view is still there; once it is back (a machine reboot, as above) it is UP again.
     */
    @Test
    @Order(6)
    void theFabricViewShowsAStoppedMmServiceDownAtOnce() throws Exception {
        JsonNode before = admin.get("/fabric").json();
        assertThat(before.path("services").path("mm").path("status").asString()).as(before.toString()).isEqualTo("UP");
        ConfigurableApplicationContext smmuBefore = fabric.context("iommu");

        fabric.stop("mm");
        Api.Response down = admin.get("/fabric");
        assertThat(down.status()).as(down.toString()).isEqualTo(200);
        JsonNode mm = down.json().path("services").path("mm");
        assertThat(mm.path("status").asString()).as(down.toString()).isEqualTo("DOWN");
        assertThat(mm.path("error").asString()).as("says why").contains("mm-service");
        assertThat(down.json().path("devices").size()).as("the view's other parts are still read").isPositive();
        assertThat(down.json().path("smmus").size()).isPositive();

        fabric.start("mm");
        fabric.awaitRebooted("iommu", smmuBefore, Duration.ofMinutes(2));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"UP".equals(admin.get("/fabric").json().path("services").path("mm").path("status").asString())) {
            assertThat(System.nanoTime()).as("mm-service UP in GET /fabric again").isLessThan(end);
            Thread.sleep(100);
        }
        assertWorksAgain();
        assertClean();
    }

    /**
     * RAM reboots under an idle fabric, and device-service's watchdog is not running, so nothing has told the device
     * yet when the next story binds and runs. The new SMMU's first call to the device tells it of the SMMU's reboot,
     * and the device asks mm-service at once (reboots come in chains): it learns of the RAM reboot there, before the
     * new bind. Without that, the story's job would be the first to reach the new RAM, and be aborted with a reboot
     * that came before its bind.
     */
    @Test
    @Order(7)
    void aJobBoundAfterARamRebootIsNotAbortedByIt() throws Exception {
        BootWatchdog deviceWatchdog = fabric.bean("device", BootWatchdog.class);
        deviceWatchdog.stop();
        try {
            ConfigurableApplicationContext smmuBefore = fabric.context("iommu");
            fabric.restart("mm");
            fabric.awaitRebooted("iommu", smmuBefore, Duration.ofMinutes(2));
            assertWorksAgain();
            assertThat(fabric.bean("device", PeerBoots.class).seen()).containsEntry(BootId.MM, fabric.bean("mm", BootId.class).id());
            assertClean();
        } finally {
            deviceWatchdog.start();
        }
    }

    /**
     * device-service restarts while iommu-service's watchdog is not running: the new device-service tells it of the
     * reboot before it is ready ({@code BootAnnouncement}), so iommu-service has shut SVA down on the rebooted
     * devices before the next story initialises SVA and binds there. Without that, iommu-service learned of the
     * reboot from the story's own calls to the device, in the middle of the story, and undid the SVA it had just
     * set up (the bind then answered, and the job was refused: "SVA is not initialised").
     */
    @Test
    @Order(8)
    void aRestartedDeviceServiceIsKnownToTheSmmuBeforeItIsReady() throws Exception {
        Running r = runningJob("device-restart-told");
        BootWatchdog smmuWatchdog = fabric.bean("iommu", BootWatchdog.class);
        smmuWatchdog.stop();
        try {
            fabric.restart("device");
            assertThat(fabric.bean("iommu", PeerBoots.class).seen())
                    .containsEntry(BootId.DEVICE, fabric.bean("device", BootId.class).id());
            assertThat(unbindEvents(r.pid)).as("the bond went with a reason before device-service was ready")
                    .anyMatch(d -> d.contains("device-service rebooted"));
            assertWorksAgain();
            assertClean();
        } finally {
            smmuWatchdog.start();
        }
    }

    /**
     * A job id names one job for ever: after device-service restarts (its jobs are gone with it), the old id is "no
     * such job", and the new boot numbers its jobs after every number of the old one, so a client polling its old job
     * never reads a new job's status. Before, every boot numbered from j-1 again.
     */
    @Test
    @Order(9)
    void aJobIdIsNeverReusedAfterADeviceServiceRestart() throws Exception {
        s.svaInit(Story.SVA_DEV);
        long pid = s.process("job-ids");
        long buf = s.mmap(pid, BUF, "rw");
        int pasid = s.bind(Story.SVA_DEV, pid);
        String before = s.completed(Story.SVA_DEV, memset(pasid, buf, 0x11)).path("jobId").asString();

        fabric.restart("device");
        Api.Response old = s.api().get("/jobs/" + before);
        assertThat(old.status()).as(old.toString()).isEqualTo(404);
        assertThat(old.json().path("errno").asString()).isEqualTo("ENOENT");
        assertThat(old.json().path("detail").asString()).contains(before).contains("before device-service restarted");

        s.svaInit(Story.SVA_DEV);
        int again = s.bind(Story.SVA_DEV, pid);
        String after = s.completed(Story.SVA_DEV, memset(again, buf, 0x22)).path("jobId").asString();
        assertThat(number(after)).as(before + " then " + after).isGreaterThan(number(before));
        assertThat(s.read(pid, buf, BUF)).isEqualTo(filled(0x22));
        assertClean();
    }

    private static long number(String jobId) {
        return Long.parseLong(jobId.substring(jobId.indexOf('-') + 1));
    }

    // ---------------------------------------------------------------- steps

    private record Running(long pid, String jobId) {
    }

    /** A process bound to the SVA device with a large cold memset running on it. */
    private Running runningJob(String name) throws InterruptedException {
        s.svaInit(Story.SVA_DEV);
        long pid = s.process(name);
        long buf = s.mmap(pid, BIG, "rw");
        int pasid = s.bind(Story.SVA_DEV, pid);
        Api.Response r = s.api().post("/devices/" + Story.SVA_DEV + "/jobs",
                Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", BIG, "value", 7));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().path("jobId").asString();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"RUNNING".equals(s.api().get("/jobs/" + id).json().path("status").asString())) {
            assertThat(System.nanoTime()).as("job " + id + " started").isLessThan(end);
            Thread.sleep(20);
        }
        return new Running(pid, id);
    }

    /** The job's final record; 404 means the device that ran it rebooted and took its job table along. */
    private JsonNode await(String jobId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            Api.Response r = s.api().get("/jobs/" + jobId);
            if (r.status() == 200) {
                String st = r.json().path("status").asString();
                if (!st.equals("QUEUED") && !st.equals("RUNNING")) {
                    return r.json();
                }
            }
            assertThat(System.nanoTime()).as("job " + jobId + " ended: " + r).isLessThan(end);
            Thread.sleep(100);
        }
    }

    private void awaitNoBond(long pid) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Api.Response r = s.api().get("/devices/" + Story.SVA_DEV + "/sva/bonds");
            boolean bound = r.status() == 200 && r.text().contains("\"pid\":" + pid);
            if (!bound) {
                return;
            }
            assertThat(System.nanoTime()).as("bond of pid " + pid + " dropped").isLessThan(end);
            Thread.sleep(100);
        }
    }

    private java.util.List<String> unbindEvents(long pid) {
        JsonNode events = admin.get("/events?type=UNBIND&pid=" + pid + "&size=1000").json();
        JsonNode items = events.isArray() ? events : events.path("items");
        java.util.List<String> out = new java.util.ArrayList<>();
        items.forEach(e -> out.add(e.path("detail").asString("")));
        return out;
    }

    /** After the restart, a new process binds and its DMA completes: the fabric is not wedged. */
    private void assertWorksAgain() {
        s.svaInit(Story.SVA_DEV);
        long pid = s.process("after-restart");
        long buf = s.mmap(pid, BUF, "rw");
        int pasid = s.bind(Story.SVA_DEV, pid);
        s.completed(Story.SVA_DEV, memset(pasid, buf, 0x3c));
        assertThat(s.read(pid, buf, BUF)).isEqualTo(filled(0x3c));
    }

    private void assertClean() {
        Api.Response r = admin.get("/fabric/audit");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("clean").asBoolean()).as(r.toString()).isTrue();
    }

    private static Map<String, Object> memset(int pasid, long dst, int value) {
        return Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(dst), "length", BUF, "value", value);
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[BUF];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
