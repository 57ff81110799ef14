package org.svafabric.iommu.api;

import java.util.Set;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.svafabric.api.web.LivenessApi;
import org.svafabric.api.contract.Contracts;
import org.svafabric.api.events.EventLogApi;
import org.svafabric.api.faults.FaultApi;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.MmNotifierCallbackApi;
import org.svafabric.api.iommu.SmmuPortApi;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.testing.TestHttp;
import org.svafabric.api.testing.TestHttp.Response;
import org.svafabric.iommu.IommuServiceApplication;
import org.svafabric.iommu.platform.SmmuUnits;


import tools.jackson.databind.JsonNode;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.AtsLinkCodec;
import org.svafabric.api.wire.AtsStatus;

/**
 * iommu-service on a random port, its RAM a LocalMemoryBus shared with a fake mm-service and a fake
 * device-service (one local HTTP server): the REST contract end to end through the driver and the SMMU model.
 */
@SpringBootTest(classes = {IommuServiceApplication.class, IommuApiTest.Ram.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=iommu-service",
        "spring.datasource.url=jdbc:h2:mem:iommu-api;DB_CLOSE_DELAY=-1",
        "fabric.service-token=" + IommuApiTest.TOKEN,
        "iommu.stall-watchdog=20s"})
class IommuApiTest {
    static final String TOKEN = "iommu-test-token";
    static final LocalMemoryBus RAM = new LocalMemoryBus();
    static final FakeNeighbours NEIGHBOURS;
    private static final String SVA_DEV = "0000:01:00.0";
    private static final String STALL_DEV = "smmute0";
    private static final String CLASSIC_DEV = "0000:03:00.0";

    static {
        try {
            NEIGHBOURS = new FakeNeighbours(RAM);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RAM in the test JVM, shared with the fake mm-service, instead of mm-service's memory bus. */
    @TestConfiguration
    static class Ram {
        @Bean
        @Primary
        MemoryBus testRam() {
            return RAM;
        }
    }

    @DynamicPropertySource
    static void neighbours(DynamicPropertyRegistry r) {
        r.add("fabric.services.mm", NEIGHBOURS::url);
        r.add("fabric.services.device", NEIGHBOURS::url);
    }

    @AfterAll
    static void stop() {
        NEIGHBOURS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    SmmuUnits smmus;

    private TestHttp http() {
        return TestHttp.local(port, TOKEN);
    }

    private Response send(String method, String path, String contentType, byte[] body) {
        return http().send(method, path, contentType, body);
    }

    private Response get(String path) {
        return send("GET", path, null, null);
    }

    private Response post(String path, String json) {
        return send("POST", path, "application/json", json.getBytes());
    }

    private Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    @Test
    void smmuShowsItsDecodedIdRegistersAndWhySvaIsAvailable() {
        Response r = get("/iommu/v1/smmu");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.path("registers").path("IDR0").asString()).isEqualTo("0x8c9749a");
        assertThat(s.path("features").path("ssidBits").asInt()).isEqualTo(20);
        assertThat(s.path("features").path("stallModel").asString()).isEqualTo("stall");
        assertThat(s.path("streamTable").path("format").asString()).isEqualTo("2-level");
        assertThat(s.path("streamTable").path("split").asInt()).isEqualTo(8);
        assertThat(s.path("sva").path("available").asBoolean()).isTrue();
        assertThat(s.path("sva").path("reasons").toString()).contains("ok: SubstreamIDs");
    }

    @Test
    void devicesComeFromDeviceServiceWithTheirStreamIds() {
        JsonNode list = get("/iommu/v1/devices").json();
        assertThat(list.findValuesAsString("id")).contains(SVA_DEV, STALL_DEV, CLASSIC_DEV);
        JsonNode one = get("/iommu/v1/devices/" + SVA_DEV).json();
        assertThat(one.path("sid").asInt()).isEqualTo(0x100);
        assertThat(get("/iommu/v1/devices/0000:7f:00.0").status()).isEqualTo(404);
    }

    @Test
    void hotplugAddsAStreamAndRefusesAnInvalidOrConflictingDescription() {
        Response added = post("/iommu/v1/devices", "{\"id\":\"smmute1\",\"type\":\"platform\",\"sid\":17,\"pasidNumBits\":4,\"dmaCanStall\":true}");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.json().path("sid").asInt()).isEqualTo(17);
        assertThat(get("/iommu/v1/devices/smmute1").json().path("endpoint").path("stall").asBoolean()).isTrue();
        Response sameSid = post("/iommu/v1/devices", "{\"id\":\"smmute2\",\"type\":\"platform\",\"sid\":17}");
        assertThat(sameSid.status()).isEqualTo(400);
        assertThat(sameSid.json().path("detail").asString()).contains("already used");
        Response noSid = post("/iommu/v1/devices", "{\"id\":\"smmute3\",\"type\":\"platform\"}");
        assertThat(noSid.json().path("errno").asString()).isEqualTo("EINVAL");
    }

    @Test
    void svaInitBindInvalidateAndUnbindDriveTheEndpointAndTheCdInRam() {
        FakeNeighbours.Process p = NEIGHBOURS.process(4242, 0x42);
        Response init = post("/iommu/v1/devices/" + SVA_DEV + "/sva", "{\"features\":[\"IOPF\"],\"maxPasid\":0}");
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        assertThat(init.json().path("minPasid").asInt()).isEqualTo(1);
        assertThat(init.json().path("maxPasid").asInt()).isEqualTo((1 << 20) - 1);
        assertThat(NEIGHBOURS.calls(SVA_DEV + "/pcie/enable")).singleElement()
                .satisfies(c -> assertThat(c.body().toString()).contains("\"pri\":true", "\"outstandingPageRequests\":32"));

        Response bind = post("/iommu/v1/devices/" + SVA_DEV + "/sva/bonds", "{\"pid\":4242,\"flags\":[\"IOPF\"]}");
        assertThat(bind.status()).as(bind.toString()).isEqualTo(201);
        int pasid = bind.json().path("pasid").asInt();
        long[] cd = smmus.first().driver().cdOf(SVA_DEV, pasid);
        assertThat(Cd.V.isSet(cd)).isTrue();
        assertThat(Cd.ASID.get(cd)).isEqualTo(0x42);
        assertThat(Cd.TTB0.getAddress(cd)).isEqualTo(p.pgd());
        assertThat(get("/iommu/v1/sva/pasids/" + pasid).json().path("pid").asLong()).isEqualTo(4242);
        // The io_mm's CPU side in one call: the ASID pinned and the notifier registered (no lookup, pin, subscribe).
        assertThat(NEIGHBOURS.calls("/mm/v1/processes/4242/notifiers")).singleElement().satisfies(c -> {
            assertThat(c.path()).endsWith("/mm/v1/processes/4242/notifiers/pinned");
            assertThat(c.body().path("callbackUrl").asString()).endsWith("/iommu/v1/mm-notifier/4242");
            assertThat(c.body().path("btm").asBoolean()).as("the default SMMU has no BTM").isFalse();
        });
        assertThat(NEIGHBOURS.calls("/asid/pin")).isEmpty();
        assertThat(get("/iommu/v1/devices/" + SVA_DEV + "/sva/bonds").json().findValuesAsString("device")).contains(SVA_DEV);

        NEIGHBOURS.calls.clear();
        Response inv = post("/iommu/v1/mm-notifier/4242/invalidate-range",
                "{\"pid\":4242,\"asid\":66,\"start\":\"0x7f0000000000\",\"end\":\"0x7f0000002000\",\"reason\":\"munmap\"}");
        assertThat(inv.status()).isEqualTo(204);
        assertThat(NEIGHBOURS.calls(SVA_DEV + "/ats/invalidate")).singleElement()
                .satisfies(c -> assertThat(c.body().path("pasid").asInt()).isEqualTo(pasid));

        NEIGHBOURS.calls.clear();
        assertThat(delete("/iommu/v1/devices/" + SVA_DEV + "/sva/bonds/" + pasid).status()).isEqualTo(204);
        assertThat(NEIGHBOURS.calls("/mm/v1/processes/4242/").stream().map(c -> c.path()).toList())
                .as("the last unbind unregisters the notifier and unpins the ASID in one call")
                .singleElement().satisfies(path -> assertThat(path).matches(".*/mm/v1/processes/4242/notifiers/pinned/\\d+"));
        assertThat(Cd.V.isSet(smmus.first().driver().cdOf(SVA_DEV, pasid))).isFalse();
        assertThat(get("/iommu/v1/sva/pasids/" + pasid).status()).isEqualTo(404);
        assertThat(delete("/iommu/v1/devices/" + SVA_DEV + "/sva").status()).isEqualTo(204);
    }

    @Test
    void atsAnswersOkForAMappedPageAndNoTranslationWhereThePriPathTakesOver() throws Exception {
        FakeNeighbours.Process p = NEIGHBOURS.process(4343, 0x43);
        String dev = "0000:02:00.0";
        assertThat(post("/iommu/v1/devices/" + dev + "/sva", "{\"features\":[\"IOPF\"]}").status()).isEqualTo(200);
        int pasid = post("/iommu/v1/devices/" + dev + "/sva/bonds", "{\"pid\":4343}").json().path("pasid").asInt();
        NEIGHBOURS.map(p, 0x7f00_0000_0000L, 0x5_0000L, true);

        Response ats = post("/iommu/v1/ats/translate", "{\"sid\":512,\"pasid\":" + pasid
                + ",\"pages\":[{\"addr\":\"0x7f0000000010\",\"write\":true,\"exec\":false,\"priv\":false},"
                + "{\"addr\":\"0x7f0000001000\",\"write\":false,\"exec\":false,\"priv\":false}]}");
        assertThat(ats.status()).as(ats.toString()).isEqualTo(200);
        JsonNode results = ats.json().path("results");
        assertThat(results.get(0).path("status").asString()).isEqualTo("OK");
        assertThat(results.get(0).path("pa").asString()).isEqualTo("0x50000");
        assertThat(results.get(0).path("write").asBoolean()).isTrue();
        assertThat(results.get(1).path("status").asString()).isEqualTo("NO_TRANSLATION");
        JsonNode smmu = ats.json().path("smmu");
        assertThat(smmu.path("steFetches").asInt() + smmu.path("cdFetches").asInt()).as("cold config cache: %s", smmu).isPositive();
        assertThat(smmu.path("walks").asInt()).isEqualTo(2);
        assertThat(smmu.path("walkReads").asInt()).isPositive();
        assertThat(ats.contentType()).as("JSON unless the caller asks for the binary link").startsWith("application/json");
        atsInBinaryAnswersTheSame(pasid);

        NEIGHBOURS.calls.clear();
        Response pri = post("/iommu/v1/pri/requests", "{\"sid\":512,\"pasid\":" + pasid
                + ",\"requests\":[{\"prgIndex\":7,\"last\":true,\"read\":true,\"write\":false,\"exec\":false,\"priv\":false,\"addr\":\"0x7f0000001000\"}]}");
        assertThat(pri.status()).isEqualTo(202);
        JsonNode response = awaitCall(dev + "/pri/responses");
        assertThat(response.path("prgIndex").asInt()).isEqualTo(7);
        assertThat(response.path("code").asString()).isEqualTo("SUCCESS");
        assertThat(response.hasNonNull("pasid")).as("02:00.0 does not require the PASID in PRG responses").isFalse();
        assertThat(response.path("faults").path("major").asInt()).as("handle_mm_fault's kind rides on the response: %s", response)
                .isEqualTo(1);
        assertThat(response.path("faults").path("minor").asInt()).isZero();
        Response again = post("/iommu/v1/ats/translate", "{\"sid\":512,\"pasid\":" + pasid
                + ",\"pages\":[{\"addr\":\"0x7f0000001000\",\"write\":false,\"exec\":false,\"priv\":false}]}");
        assertThat(again.json().path("results").get(0).path("status").asString()).isEqualTo("OK");
    }

    /** The link's binary form on the same endpoint: the same completions as JSON; JSON still for anyone not asking. */
    private void atsInBinaryAnswersTheSame(int pasid) {
        byte[] request = AtsLinkCodec.encode(new IommuCalls.AtsTranslate(512, pasid, List.of(
                new IommuCalls.AtsPage(Addr.of(0x7f0000000010L), true, false, false),
                new IommuCalls.AtsPage(Addr.of(0x7f0000001000L), false, false, false))));
        Response bin = http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, AtsLinkCodec.MEDIA_TYPE, request);
        assertThat(bin.status()).as(bin.toString()).isEqualTo(200);
        assertThat(bin.contentType()).startsWith(AtsLinkCodec.MEDIA_TYPE);
        IommuCalls.AtsTranslation t = AtsLinkCodec.decodeTranslation(bin.bytes());
        assertThat(t.results()).hasSize(2);
        assertThat(t.results().get(0).status()).isEqualTo(AtsStatus.OK);
        assertThat(t.results().get(0).pa()).isEqualTo(Addr.of(0x50000));
        assertThat(t.results().get(0).write()).isTrue();
        assertThat(t.results().get(1).status()).isEqualTo(AtsStatus.NO_TRANSLATION);
        assertThat(t.smmu()).isNotNull();

        Response asked = http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, "*/*", request);
        assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
        assertThat(asked.contentType()).as("a binary request accepting anything is answered JSON").startsWith("application/json");
        assertThat(asked.json().path("results").get(0).path("pa").asString()).isEqualTo("0x50000");
    }

    @Test
    void aMalformedBinaryAtsRequestIsEinvalNotAServerError() {
        byte[] valid = AtsLinkCodec.encode(new IommuCalls.AtsTranslate(256, null,
                List.of(new IommuCalls.AtsPage(Addr.of(0x1000), false, false, false))));
        byte[] badFlags = valid.clone();
        badFlags[valid.length - 1] = (byte) 0xF0;
        List<Response> bad = List.of(
                http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, AtsLinkCodec.MEDIA_TYPE,
                        java.util.Arrays.copyOf(valid, valid.length - 3)),
                http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, AtsLinkCodec.MEDIA_TYPE, new byte[0]),
                http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, null, badFlags));
        assertThat(bad).allSatisfy(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
            assertThat(r.json().path("errno").asString()).as(r.toString()).isEqualTo("EINVAL");
        });
        assertThat(bad.get(0).json().path("detail").asString()).contains("truncated");
        // A body that decodes but is invalid meets the controller's own checks, answered as for JSON.
        Response empty = http().send("POST", "/iommu/v1/ats/translate", AtsLinkCodec.MEDIA_TYPE, AtsLinkCodec.MEDIA_TYPE,
                AtsLinkCodec.encode(new IommuCalls.AtsTranslate(256, null, List.of())));
        assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");
        assertThat(empty.json().path("errno").asString()).isEqualTo("EINVAL");
    }

    @Test
    void aStallingDevicesWriteToAnUntouchedPageStallsIsResolvedAndLands() throws Exception {
        FakeNeighbours.Process p = NEIGHBOURS.process(4444, 0x44);
        svaInitOnce(STALL_DEV);
        int pasid = post("/iommu/v1/devices/" + STALL_DEV + "/sva/bonds", "{\"pid\":4444}").json().path("pasid").asInt();
        byte[] data = "hello, SVA".getBytes();
        Response w = send("POST", "/iommu/v1/streams/16/transactions?op=write&addr=0x7f0000003000&pasid=" + pasid,
                "application/octet-stream", data);
        assertThat(w.status()).as(w.toString()).isEqualTo(204);
        assertThat(w.headers().firstValue(DevicePortsController.STALLS_HEADER)).hasValue("1");
        assertThat(w.headers().firstValue(DevicePortsController.FAULT_KINDS_HEADER)).hasValue("minor=0;major=1;swapIn=0");
        // The stalled page was walked twice (the fault, then the retry after CMD_RESUME).
        assertThat(w.headers().firstValue(DevicePortsController.WORK_HEADER).orElseThrow()).contains(";walks=2;");
        Response r = send("POST", "/iommu/v1/streams/16/transactions?op=read&addr=0x7f0000003000&length=" + data.length
                + "&pasid=" + pasid, null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bytes()).isEqualTo(data);
        assertThat(r.headers().firstValue(DevicePortsController.STALLS_HEADER)).hasValue("0");
        assertThat(r.headers().firstValue(DevicePortsController.FAULT_KINDS_HEADER)).hasValue("minor=0;major=0;swapIn=0");
        assertThat(p.pgd()).isNotZero();
    }

    @Test
    void aFaultOnAForbiddenPageAbortsTheStalledTransactionWithItsEvent() {
        NEIGHBOURS.process(4545, 0x45);
        NEIGHBOURS.forbidden.add(0x7f00_0000_5000L);
        svaInitOnce(STALL_DEV);
        int pasid = post("/iommu/v1/devices/" + STALL_DEV + "/sva/bonds", "{\"pid\":4545}").json().path("pasid").asInt();
        Response r = send("POST", "/iommu/v1/streams/16/transactions?op=read&addr=0x7f0000005000&length=8&pasid=" + pasid, null, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo("EFAULT");
        assertThat(r.json().path("event").asString()).isEqualTo("F_TRANSLATION");
        assertThat(r.json().path("addr").asString()).isEqualTo("0x7f0000005000");
    }

    @Test
    void privateDomainMapsIovasForClassicalDmaAndUnmapTerminatesLaterAccesses() {
        long frame = RAM.allocKernelPages("cpu", 1);
        RAM.write(frame, "classic".getBytes());
        Response created = post("/iommu/v1/domains", "{\"devices\":[\"" + CLASSIC_DEV + "\"]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(post("/iommu/v1/domains/" + id + "/map", "{\"iova\":\"0x100000\",\"pages\":[\"0x" + Long.toHexString(frame)
                + "\"],\"read\":true,\"write\":false}").status()).isEqualTo(204);
        assertThat(post("/iommu/v1/domains/" + id + "/map", "{\"iova\":\"0x100000\",\"pages\":[\"0x1000\"],\"read\":true}")
                .json().path("errno").asString()).isEqualTo("EEXIST");
        Response read = send("POST", "/iommu/v1/streams/768/transactions?op=read&addr=0x100000&length=7", null, null);
        assertThat(read.body()).isEqualTo("classic");
        Response write = send("POST", "/iommu/v1/streams/768/transactions?op=write&addr=0x100000", "application/octet-stream", new byte[] {1});
        assertThat(write.json().path("event").asString()).isEqualTo("F_PERMISSION");

        assertThat(post("/iommu/v1/domains/" + id + "/unmap", "{\"iova\":\"0x100000\",\"size\":4096}").json().path("size").asLong())
                .isEqualTo(4096);
        Response gone = send("POST", "/iommu/v1/streams/768/transactions?op=read&addr=0x100000&length=7", null, null);
        assertThat(gone.json().path("event").asString()).isEqualTo("F_TRANSLATION");
        assertThat(delete("/iommu/v1/domains/" + id).status()).isEqualTo(204);
        assertThat(get("/iommu/v1/domains/" + id).status()).isEqualTo(404);
    }

    @Test
    void badInputIsA4xxProblemNeverA500() {
        List<Response> bad = List.of(
                post("/iommu/v1/devices/" + SVA_DEV + "/sva", "{\"features\":[\"WINGS\"]}"),
                post("/iommu/v1/devices/" + SVA_DEV + "/sva/bonds", "{}"),
                post("/iommu/v1/devices/" + SVA_DEV + "/sva/bonds", "{\"pid\":\"x\"}"),
                post("/iommu/v1/devices/nope/sva", "{}"),
                post("/iommu/v1/domains", "{\"devices\":[\"nope\"]}"),
                post("/iommu/v1/domains/999/map", "{\"iova\":\"0x1000\",\"pages\":[\"0x1000\"],\"read\":true}"),
                post("/iommu/v1/domains/999/unmap", "{}"),
                post("/iommu/v1/ats/translate", "{\"sid\":256,\"pages\":[]}"),
                post("/iommu/v1/ats/translate", "not json"),
                post("/iommu/v1/pri/requests", "{\"sid\":256,\"requests\":[{\"prgIndex\":600,\"last\":true,\"addr\":\"0x1000\"}]}"),
                send("POST", "/iommu/v1/streams/16/transactions?op=fly&addr=0x1000", null, null),
                send("POST", "/iommu/v1/streams/16/transactions?op=read&addr=0x1000&length=-1", null, null),
                send("POST", "/iommu/v1/streams/16/transactions?op=read&addr=zzz&length=8", null, null),
                post("/iommu/v1/mm-notifier/1/invalidate-range", "{\"start\":\"0x2000\",\"end\":\"0x1000\"}"),
                get("/iommu/v1/events?size=0"),
                get("/iommu/v1/sva/pasids/77"));
        assertThat(bad).allSatisfy(r -> {
            assertThat(r.status()).as(r.toString()).isBetween(400, 499);
            assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
            assertThat(r.json().path("errno").asString()).as(r.toString()).isNotEmpty();
        });
    }

    @Test
    void eventsAreQueryableByTypeAndServiceCallsNeedTheToken() {
        assertThat(get("/iommu/v1/events?type=TLBI").status()).isEqualTo(200);
        assertThat(http().withoutToken().get("/iommu/v1/smmu").status()).isEqualTo(401);
    }

    /** iommu_sva_device_init with IOPF; a second init answers EEXIST, which tests sharing the device accept. */
    private void svaInitOnce(String dev) {
        Response r = post("/iommu/v1/devices/" + dev + "/sva", "{\"features\":[\"IOPF\"]}");
        assertThat(r.status()).as(r.toString()).isIn(200, 409);
        if (r.status() == 409) {
            assertThat(r.json().path("errno").asString()).isEqualTo("EEXIST");
        }
    }

    /** The body of the first call to {@code pathPart} the SMMU side made; waits for it (PRG responses are asynchronous). */
    private static JsonNode awaitCall(String pathPart) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            List<FakeNeighbours.Call> calls = NEIGHBOURS.calls(pathPart);
            if (!calls.isEmpty()) {
                return calls.get(0).body();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no call to " + pathPart);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping contractMappings;

    /** What Spring MVC maps is exactly what the fabric-api contract declares: the implemented interfaces' exchanges, and no others. */
    @Test
    void theControllersServeTheContractAndNothingElse() {
        Set<String> served = Contracts.served(contractMappings);
        Set<String> declared = Contracts.exchanges(IommuApi.class, SmmuPortApi.class, MmNotifierCallbackApi.class, EventLogApi.class, FaultApi.class, LivenessApi.class);
        assertThat(served).containsAll(declared);
        assertThat(served.stream().filter(s -> s.contains("/iommu/v1/") || s.contains("/internal/v1/")))
                .containsExactlyInAnyOrderElementsOf(declared);
    }
}
