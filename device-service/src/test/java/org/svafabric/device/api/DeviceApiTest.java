package org.svafabric.device.api;

import java.util.Set;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.svafabric.api.web.LivenessApi;
import org.svafabric.api.contract.Contracts;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.events.EventLogApi;
import org.svafabric.api.faults.FaultApi;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.testing.TestHttp;
import org.svafabric.api.testing.TestHttp.Response;
import org.svafabric.device.DeviceServiceApplication;
import org.svafabric.device.testing.AddressSpace;
import org.svafabric.device.testing.FakeSmmu;

import tools.jackson.databind.JsonNode;

/**
 * device-service over real HTTP with the default topology, the SMMU faked and RAM in the JVM:
 * the REST contract's shapes, a job's round trip with PRI answered through the callback, hotplug,
 * and a table of bad requests that must all be 4xx problem+json with an errno.
 */
@SpringBootTest(classes = {DeviceServiceApplication.class, DeviceApiTest.Fakes.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=device-service",
        "spring.datasource.url=jdbc:h2:mem:device-api;DB_CLOSE_DELAY=-1",
        "fabric.service-token=" + DeviceApiTest.TOKEN})
class DeviceApiTest {
    static final String TOKEN = "test-token";
    static final String SVA = "0000:01:00.0";

    @TestConfiguration
    static class Fakes {
        @Bean
        @Primary
        FakeSmmu fakeSmmu() {
            return new FakeSmmu();
        }

        @Bean
        @Primary
        MemoryBus testRam(FakeSmmu smmu) {
            return smmu.ram;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FakeSmmu smmu;

    Response send(String method, String path, String json, boolean withToken) {
        TestHttp http = TestHttp.local(port, TOKEN);
        return (withToken ? http : http.withoutToken()).json(method, path, json);
    }

    Response send(String method, String path, String json) {
        return send(method, path, json, true);
    }

    @Test
    void listsTheDefaultFabricWithCapabilitiesAndPcieState() {
        Response r = send("GET", "/device/v1/devices", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode devices = r.json();
        assertThat(devices.findValuesAsString("id")).contains(SVA, "0000:02:00.0", "smmute0", "0000:03:00.0");
        JsonNode sva = devices.get(0);
        assertThat(sva.get("type").asString()).isEqualTo("pci");
        assertThat(sva.get("sid").asInt()).isEqualTo(0x100);
        assertThat(sva.at("/capabilities/pasidBits").asInt()).isEqualTo(20);
        assertThat(sva.at("/capabilities/pri").asBoolean()).isTrue();
        assertThat(sva.at("/description/ats/atcEntries").asInt()).isEqualTo(512);
        assertThat(sva.has("pcie")).isTrue();
        assertThat(sva.has("metrics")).isTrue();
        JsonNode platform = send("GET", "/device/v1/devices/smmute0", null).json();
        assertThat(platform.at("/capabilities/stall").asBoolean()).isTrue();
        assertThat(platform.get("sid").asInt()).isEqualTo(16);
        assertThat(platform.has("pcie")).isFalse();
    }

    @Test
    void aJobFaultsInThroughPriAnsweredByTheCallbackAndReportsItsCompletionRecord() throws Exception {
        assertThat(send("POST", "/device/v1/devices/0000:02:00.0/pcie/enable",
                "{\"pasid\":true,\"pri\":true,\"ats\":true,\"outstandingPageRequests\":4}").status()).isEqualTo(204);
        JsonNode pcie = send("GET", "/device/v1/devices/0000:02:00.0", null).json().get("pcie");
        assertThat(pcie.get("pasidEnabled").asBoolean()).isTrue();
        assertThat(pcie.get("outstandingPageRequests").asInt()).isEqualTo(4);

        AddressSpace mm = smmu.bind(33);
        mm.allow(0x10_0000_0000L, 8192, true);
        BlockingQueue<FakeSmmu.Group> held = smmu.holdGroups();
        try {
            Response accepted = send("POST", "/device/v1/devices/0000:02:00.0/jobs",
                    "{\"op\":\"memset\",\"pasid\":33,\"dst\":\"0x1000000000\",\"length\":8192,\"value\":171}");
            assertThat(accepted.status()).isEqualTo(202);
            String jobId = accepted.json().get("jobId").asString();
            assertThat(jobId).startsWith("j-");

            FakeSmmu.Group g = held.poll(30, TimeUnit.SECONDS);
            assertThat(g).isNotNull();
            for (var req : g.requests()) {
                mm.faultIn(req.addr(), req.write());
            }
            assertThat(send("POST", "/device/v1/devices/0000:02:00.0/pri/responses",
                    "{\"prgIndex\":" + g.prgIndex() + ",\"pasid\":33,\"code\":\"SUCCESS\"}").status()).isEqualTo(204);

            JsonNode job = awaitFinal(jobId);
            assertThat(job.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(job.get("op").asString()).isEqualTo("memset");
            assertThat(job.get("device").asString()).isEqualTo("0000:02:00.0");
            assertThat(job.get("bytes").asLong()).isEqualTo(8192);
            assertThat(job.at("/faults/pageRequests").asInt()).isEqualTo(2);
            assertThat(job.at("/faults/groups").asInt()).isEqualTo(1);
            assertThat(job.has("latencyMicros")).as(job.toString()).isTrue();
            // The PRG response said nothing of the faults' kinds, so the model prices the group without them.
            assertThat(job.at("/model/nanos").asLong()).isPositive();
            assertThat(job.at("/model/breakdown/priInterrupt").asLong()).isEqualTo(1500);
            assertThat(job.at("/model/breakdown").has("mmFaultMajor")).isFalse();
            assertThat(job.get("prgRoundTripMicros")).hasSize(1);
            assertThat(mm.read(0x10_0000_0000L + 8191, 1)).containsExactly(171);

            JsonNode page = send("GET", "/device/v1/jobs?device=0000:02:00.0&pasid=33&page=0&size=10", null).json();
            assertThat(page.get("total").asInt()).isEqualTo(1);
            assertThat(page.at("/items/0/jobId").asString()).isEqualTo(jobId);
        } finally {
            smmu.holdGroups().clear();
        }
    }

    private JsonNode awaitFinal(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " did not end within 60 s");
            }
            JsonNode job = send("GET", "/device/v1/jobs/" + jobId, null).json();
            String s = job.get("status").asString();
            if (!s.equals("QUEUED") && !s.equals("RUNNING")) {
                return job;
            }
            Thread.sleep(5);
        }
    }

    @Test
    void waitTrueAnswersWithTheCompletionRecordAndAnUnboundPasidFaultsClearly() {
        send("POST", "/device/v1/devices/" + SVA + "/pcie/enable", "{\"pasid\":true,\"pri\":true,\"ats\":true}");
        Response r = send("POST", "/device/v1/devices/" + SVA + "/jobs?wait=true",
                "{\"op\":\"memset\",\"pasid\":999,\"dst\":4096,\"length\":4096,\"value\":1}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode job = r.json();
        assertThat(job.get("status").asString()).isEqualTo("FAULTED");
        assertThat(job.get("error").asString()).contains("C_BAD_CD");
        assertThat(job.get("faultAddr").asString()).isEqualTo("0x1000");
        assertThat(job.get("bytes").asLong()).isZero();
    }

    /**
     * iommu_register_device_fault_handler: the SMMU's report of the terminated transaction (C_BAD_SUBSTREAMID, an
     * unrecoverable PASID_INVALID fault) reaches the driver's handler, which records it on the job whose buffer holds
     * the address and in its events.
     */
    @Test
    void anUnrecoverableFaultReportedToTheDriversHandlerIsRecordedOnItsJob() {
        send("POST", "/device/v1/devices/" + SVA + "/pcie/enable", "{\"pasid\":true,\"pri\":true,\"ats\":true}");
        JsonNode job = send("POST", "/device/v1/devices/" + SVA + "/jobs?wait=true",
                "{\"op\":\"memset\",\"pasid\":998,\"dst\":8192,\"length\":4096,\"value\":1}").json();
        assertThat(job.has("unrecoverableFaults")).as("none reported yet").isFalse();
        Response reported = send("POST", "/device/v1/devices/" + SVA + "/faults",
                "{\"reason\":\"PASID_INVALID\",\"event\":\"C_BAD_SUBSTREAMID\",\"pasid\":998,\"addr\":\"0x2000\",\"perm\":[]}");
        assertThat(reported.status()).isEqualTo(204);
        JsonNode after = send("GET", "/device/v1/jobs/" + job.get("jobId").asString(), null).json();
        assertThat(after.at("/unrecoverableFaults/0/reason").asString()).isEqualTo("PASID_INVALID");
        assertThat(after.at("/unrecoverableFaults/0/event").asString()).isEqualTo("C_BAD_SUBSTREAMID");
        assertThat(after.at("/unrecoverableFaults/0/addr").asString()).isEqualTo("0x2000");
        assertThat(after.at("/unrecoverableFaults/0/pasid").asInt()).isEqualTo(998);
    }

    @Test
    void jobsAreListedBySubmitterAndStatusNewestLastAndASubmissionSaysWhereItsRecordIs() throws Exception {
        send("POST", "/device/v1/devices/" + SVA + "/pcie/enable", "{\"pasid\":true,\"pri\":true,\"ats\":true}");
        String body = "{\"op\":\"memset\",\"pasid\":998,\"dst\":4096,\"length\":12288,\"value\":1}";
        Response first = send("POST", "/device/v1/devices/" + SVA + "/jobs?uid=4242", body);
        Response second = send("POST", "/device/v1/devices/" + SVA + "/jobs?uid=4242", body);
        send("POST", "/device/v1/devices/" + SVA + "/jobs?uid=4343", body);
        assertThat(first.status()).isEqualTo(202);
        String firstId = first.json().get("jobId").asString();
        String secondId = second.json().get("jobId").asString();
        assertThat(first.location()).isEqualTo("/device/v1/jobs/" + firstId);
        awaitFinal(firstId);
        awaitFinal(secondId);

        JsonNode mine = send("GET", "/device/v1/jobs?uid=4242&size=10", null).json();
        assertThat(mine.get("total").asInt()).isEqualTo(2);
        assertThat(mine.at("/items/0/jobId").asString()).isEqualTo(firstId);
        assertThat(mine.at("/items/1/jobId").asString()).isEqualTo(secondId);
        assertThat(mine.at("/items/1/uid").asLong()).isEqualTo(4242);
        assertThat(mine.at("/items/1/length").asLong()).isEqualTo(12288);
        assertThat(mine.at("/items/1/bytes").asLong()).isZero();

        JsonNode newest = send("GET", "/device/v1/jobs?uid=4242&size=1", null).json();
        assertThat(newest.at("/items/0/jobId").asString()).as("without page: the newest").isEqualTo(secondId);
        assertThat(newest.get("page").asInt()).isEqualTo(1);
        JsonNode oldest = send("GET", "/device/v1/jobs?uid=4242&size=1&page=0", null).json();
        assertThat(oldest.at("/items/0/jobId").asString()).isEqualTo(firstId);

        assertThat(send("GET", "/device/v1/jobs?uid=4242&status=faulted&device=" + SVA, null).json().get("total").asInt())
                .isEqualTo(2);
        assertThat(send("GET", "/device/v1/jobs?uid=4242&status=COMPLETED", null).json().get("total").asInt()).isZero();
    }

    @Test
    void hotplugAddsADeviceOnlyWhenIommuServiceTakesIt() {
        String desc = "{\"id\":\"0000:05:00.0\",\"type\":\"pci\",\"pasid\":{\"bits\":8},\"pri\":{\"outstandingPageRequests\":4},"
                + "\"ats\":{\"atcEntries\":16},\"engine\":{\"queueDepth\":4,\"engines\":1}}";
        smmu.down(true);
        Response refused = send("POST", "/device/v1/devices", desc);
        assertThat(refused.status()).isGreaterThanOrEqualTo(500);
        assertThat(refused.json().get("errno").asString()).isEqualTo("EIO");
        assertThat(send("GET", "/device/v1/devices/0000:05:00.0", null).status()).isEqualTo(404);

        smmu.down(false);
        Response created = send("POST", "/device/v1/devices", desc);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("sid").asInt()).isEqualTo(0x500);
        assertThat(smmu.hotplugged).anyMatch(d -> d.id().equals("0000:05:00.0"));
        assertThat(send("GET", "/device/v1/devices/0000:05:00.0", null).status()).isEqualTo(200);
        Response again = send("POST", "/device/v1/devices", desc);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("detail").asString()).contains("duplicate id");
    }

    static Stream<Arguments> badRequests() {
        String jobs = "/device/v1/devices/" + SVA + "/jobs";
        String classical = "/device/v1/devices/0000:03:00.0";
        return Stream.of(
                Arguments.of("POST", "/device/v1/devices/nope/jobs", "{\"op\":\"memset\",\"dst\":0,\"length\":1,\"value\":0}", 404, "ENODEV"),
                Arguments.of("GET", "/device/v1/devices/nope", null, 404, "ENODEV"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/faults", "{\"event\":\"F_TRANSLATION\",\"addr\":4096}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"frobnicate\",\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":0,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":-5,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":99999999999,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":300}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memcpy\",\"src\":\"0xzz\",\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memcpy\",\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memcpy\",\"src\":-1,\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memcpy\",\"src\":1.5,\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":\"0x7fffffffffffffff\",\"length\":8,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"sum64\",\"src\":0,\"length\":12}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"rand48\",\"dst\":0,\"length\":8}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"pasid\":-1,\"dst\":0,\"length\":8,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"pasid\":2000000,\"dst\":0,\"length\":8,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{not json", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":1,\"timing\":{\"warpDrive\":1}}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":1,\"timing\":{\"tlbi\":-1}}", 400, "EINVAL"),
                Arguments.of("POST", jobs, "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":1,\"timing\":{\"tlbi\":\"fast\"}}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/pri/responses", "{\"prgIndex\":1,\"code\":\"SUCCESS\",\"faults\":{\"minor\":-1,\"major\":0,\"swapIn\":0}}", 400, "EINVAL"),
                Arguments.of("POST", jobs + "?wait=maybe", "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":1}", 400, "EINVAL"),
                Arguments.of("POST", classical + "/jobs", "{\"op\":\"memset\",\"pasid\":1,\"dst\":0,\"length\":8,\"value\":1}", 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs/j-99999999", null, 404, "ENOENT"),
                Arguments.of("GET", "/device/v1/jobs/garbage", null, 404, "ENOENT"),
                Arguments.of("GET", "/device/v1/jobs?size=0", null, 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs?page=-1", null, 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs?size=abc", null, 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs?status=SHINY", null, 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs?device=nope", null, 400, "EINVAL"),
                Arguments.of("GET", "/device/v1/jobs?uid=abc", null, 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices", "{\"id\":\"usb0\",\"type\":\"usb\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices", "{\"id\":\"0000:06:00.0\",\"type\":\"pci\",\"colour\":\"red\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices", "{\"id\":\"p1\",\"type\":\"platform\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices", "{\"id\":\"0000:07:00.0\",\"type\":\"pci\",\"pri\":{\"outstandingPageRequests\":4}}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices", "[]", 400, "EINVAL"),
                Arguments.of("PUT", "/device/v1/devices/" + SVA + "/mm-exit-handler", "{\"policy\":\"explode\"}", 400, "EINVAL"),
                Arguments.of("PUT", "/device/v1/devices/" + SVA + "/mm-exit-handler", "{}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/mm-exit", "{}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/nope/mm-exit", "{\"pasid\":1}", 404, "ENODEV"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/pri/responses", "{\"prgIndex\":1,\"code\":\"MAYBE\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/pri/responses", "{\"prgIndex\":600,\"code\":\"SUCCESS\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/pri/responses", "{\"code\":\"SUCCESS\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/smmute0/pri/responses", "{\"prgIndex\":1,\"code\":\"SUCCESS\"}", 400, "EINVAL"),
                Arguments.of("POST", classical + "/pri/responses", "{\"prgIndex\":1,\"code\":\"SUCCESS\"}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/ats/invalidate", "{\"pasid\":1}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/ats/invalidate", "{\"addr\":0,\"size\":-1}", 400, "EINVAL"),
                Arguments.of("POST", classical + "/ats/invalidate", "{\"addr\":0,\"size\":4096}", 400, "EINVAL"),
                Arguments.of("POST", classical + "/pcie/enable", "{\"pri\":true}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/smmute0/pcie/enable", "{\"pasid\":true}", 400, "EINVAL"),
                Arguments.of("POST", "/device/v1/devices/" + SVA + "/pcie/enable", "{\"pri\":true,\"outstandingPageRequests\":0}", 400, "EINVAL"),
                Arguments.of("DELETE", "/device/v1/devices/" + SVA + "/mm-exit/abc", null, 400, "EINVAL"),
                Arguments.of("PATCH", "/device/v1/devices", "{}", 405, "EINVAL"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void badInputIsAProblemWithAnErrnoNeverA500(String method, String path, String body, int status, String errno) {
        Response r = send(method, path, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("errno").asString()).isEqualTo(errno);
        assertThat(r.json().get("type").asString()).startsWith("https://sva-fabric.dev/problems/");
    }

    @Test
    void theTimingTableIsTheDefaultsWithTheTopologysSection() {
        JsonNode t = send("GET", "/device/v1/timing", null).json();
        assertThat(t.get("iopfWorkers").asInt()).isEqualTo(4);
        assertThat(t.at("/costs/walkDescriptorRead").asLong()).isEqualTo(68);
        assertThat(t.get("costs").size()).isEqualTo(org.svafabric.api.timing.Cost.values().length);
    }

    @Test
    void anUnknownCostIsNamedInTheRefusal() {
        Response r = send("POST", "/device/v1/devices/" + SVA + "/jobs",
                "{\"op\":\"memset\",\"dst\":0,\"length\":8,\"value\":1,\"timing\":{\"warpDrive\":1}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).contains("timing.warpDrive is not a cost");
    }

    @Test
    void withoutTheServiceCredentialEveryCallIsRefused() {
        assertThat(send("GET", "/device/v1/devices", null, false).status()).isEqualTo(401);
        assertThat(send("GET", "/actuator/health", null, false).status()).isEqualTo(200);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping contractMappings;

    /** What Spring MVC maps is exactly what the fabric-api contract declares: the implemented interfaces' exchanges, and no others. */
    @Test
    void theControllersServeTheContractAndNothingElse() {
        Set<String> served = Contracts.served(contractMappings);
        Set<String> declared = Contracts.exchanges(DeviceApi.class, EventLogApi.class, FaultApi.class, LivenessApi.class);
        assertThat(served).containsAll(declared);
        assertThat(served.stream().filter(s -> s.contains("/device/v1/") || s.contains("/internal/v1/")))
                .containsExactlyInAnyOrderElementsOf(declared);
    }
}
