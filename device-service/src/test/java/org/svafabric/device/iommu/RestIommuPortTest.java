package org.svafabric.device.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsLinkCodec;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.api.wire.Headers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The wire form of the calls a device makes to iommu-service, against a scripted HTTP server. */
class RestIommuPortTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpServer server;
    private final Map<String, String> lastRequest = new ConcurrentHashMap<>();
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile byte[] answer = new byte[0];
    private volatile String stallsHeader;

    private RestIommuPort port;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        port = new RestIommuPort(new ServiceClients(new FabricProperties("tok", new FabricProperties.Services(null, url, null, null), null)),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        lastRequest.put("path", x.getRequestURI().getPath());
        lastRequest.put("query", x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery());
        lastRequest.put("token", String.valueOf(x.getRequestHeaders().getFirst("X-Fabric-Service-Token")));
        lastRequest.put("contentType", String.valueOf(x.getRequestHeaders().getFirst("Content-Type")));
        lastRequest.put("accept", String.valueOf(x.getRequestHeaders().getFirst("Accept")));
        lastRequest.put("body", new String(x.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
        x.getResponseHeaders().add("Content-Type", contentType);
        if (stallsHeader != null) {
            x.getResponseHeaders().add(Headers.SMMU_STALLS, stallsHeader);
        }
        x.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(answer);
        }
    }

    private void answerJson(int code, String json) {
        status = code;
        contentType = code >= 400 ? "application/problem+json" : "application/json";
        answer = json.getBytes(StandardCharsets.UTF_8);
    }

    /** The ATS link is binary both ways ({@link AtsLinkCodec}). */
    private void answerAts(IommuCalls.AtsTranslation t) {
        status = 200;
        contentType = AtsLinkCodec.MEDIA_TYPE;
        answer = AtsLinkCodec.encode(t);
    }

    private IommuCalls.AtsTranslate sentAts() {
        assertThat(lastRequest.get("contentType")).isEqualTo(AtsLinkCodec.MEDIA_TYPE);
        assertThat(lastRequest.get("accept")).isEqualTo(AtsLinkCodec.MEDIA_TYPE);
        return AtsLinkCodec.decodeTranslate(lastRequest.get("body").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void translationRequestsGoInOneBatchAndCompletionsMapInOrder() {
        answerAts(new IommuCalls.AtsTranslation(List.of(AtsCompletion.granted(0x1000, 0x8000, 12, true, true, false, false),
                AtsCompletion.noTranslation(0x2000, false, null), AtsCompletion.abort(0x3000, "C_BAD_SUBSTREAMID"))));
        List<AtsCompletion> c = port.translate(0x100, 7, List.of(new AtsRequest(0x1000, true, false, false),
                new AtsRequest(0x2000, false, false, false), new AtsRequest(0x3000, false, false, false)));
        assertThat(lastRequest.get("path")).isEqualTo("/iommu/v1/ats/translate");
        assertThat(lastRequest.get("token")).isEqualTo("tok");
        IommuCalls.AtsTranslate body = sentAts();
        assertThat(body.sid()).isEqualTo(0x100);
        assertThat(body.pasid()).isEqualTo(7);
        assertThat(body.pages()).hasSize(3);
        assertThat(body.pages().get(0).addr()).isEqualTo(Addr.of(0x1000));
        assertThat(body.pages().get(0).write()).isTrue();
        assertThat(c.get(0).status()).isEqualTo(AtsStatus.OK);
        assertThat(c.get(0).pagePa()).isEqualTo(0x8000);
        assertThat(c.get(0).permits(true, false)).isTrue();
        assertThat(c.get(1).status()).isEqualTo(AtsStatus.NO_TRANSLATION);
        assertThat(c.get(2).event()).isEqualTo("C_BAD_SUBSTREAMID");
    }

    @Test
    void theSmmusWorkComesWithTheCompletions() {
        answerAts(new IommuCalls.AtsTranslation(List.of(AtsCompletion.noTranslation(0x1000, false, null)),
                new org.svafabric.api.timing.DmaEvent.SmmuWork(1, 2, 0, 1, 4)));
        IommuCalls.AtsTranslation a = port.translateWithWork(0x100, 7, List.of(new AtsRequest(0x1000, true, false, false)));
        assertThat(a.work()).isEqualTo(new org.svafabric.api.timing.DmaEvent.SmmuWork(1, 2, 0, 1, 4));
        answerAts(new IommuCalls.AtsTranslation(List.of(AtsCompletion.noTranslation(0x1000, false, null))));
        assertThat(port.translateWithWork(0x100, 7, List.of(new AtsRequest(0x1000, true, false, false))).work())
                .isEqualTo(org.svafabric.api.timing.DmaEvent.SmmuWork.NONE);
    }

    @Test
    void transactionHeadersAreReadAsCountsAndAnythingElseAsNone() {
        assertThat(RestIommuPort.work("steFetches=1;cdFetches=1;iotlbHits=3;walks=2;walkReads=8"))
                .isEqualTo(new org.svafabric.api.timing.DmaEvent.SmmuWork(1, 1, 3, 2, 8));
        assertThat(RestIommuPort.faultKinds("minor=0;major=2;swapIn=1")).isEqualTo(new org.svafabric.api.timing.DmaEvent.FaultKinds(0, 2, 1));
        assertThat(RestIommuPort.faultKinds(null)).isEqualTo(org.svafabric.api.timing.DmaEvent.FaultKinds.NONE);
        assertThat(RestIommuPort.work("walks=x;junk")).isEqualTo(org.svafabric.api.timing.DmaEvent.SmmuWork.NONE);
    }

    @Test
    void aTranslationWithoutPasidSendsNoPasid() {
        answerAts(new IommuCalls.AtsTranslation(List.of(AtsCompletion.noTranslation(0x1000, false, null))));
        port.translate(3, null, List.of(new AtsRequest(0x1000, false, false, false)));
        assertThat(sentAts().pasid()).isNull();
    }

    @Test
    void aTruncatedAtsAnswerIsAnError() {
        answerAts(new IommuCalls.AtsTranslation(List.of(AtsCompletion.noTranslation(0x1000, false, null))));
        answer = java.util.Arrays.copyOf(answer, answer.length - 2);
        assertThatThrownBy(() -> port.translate(3, 1, List.of(new AtsRequest(0x1000, false, false, false))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO))
                .hasMessageContaining("truncated");
    }

    @Test
    void aRefusedAtsRequestIsTheServicesProblem() {
        answerJson(400, "{\"type\":\"https://sva-fabric.dev/problems/invalid-argument\",\"status\":400,"
                + "\"detail\":\"every page needs an addr\",\"errno\":\"EINVAL\"}");
        assertThatThrownBy(() -> port.translate(3, 1, List.of(new AtsRequest(0x1000, false, false, false))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void aWrongNumberOfCompletionsIsAnIoError() {
        answerAts(new IommuCalls.AtsTranslation(List.of()));
        assertThatThrownBy(() -> port.translate(3, 1, List.of(new AtsRequest(0x1000, false, false, false))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
    }

    @Test
    void pageRequestsCarryIndexLastAndPermissions() {
        answerJson(202, "");
        port.pageRequests(0x100, 9, List.of(new PageRequest(5, false, true, true, false, false, 0x7000),
                new PageRequest(5, true, true, true, false, false, 0x8000)));
        assertThat(lastRequest.get("path")).isEqualTo("/iommu/v1/pri/requests");
        JsonNode body = JSON.readTree(lastRequest.get("body"));
        assertThat(body.at("/requests/1/prgIndex").asInt()).isEqualTo(5);
        assertThat(body.at("/requests/0/last").asBoolean()).isFalse();
        assertThat(body.at("/requests/1/last").asBoolean()).isTrue();
        assertThat(body.at("/requests/1/addr").asString()).isEqualTo("0x8000");
    }

    @Test
    void aReadTransactionReturnsItsBytesAndItsStalls() {
        status = 200;
        contentType = "application/octet-stream";
        answer = new byte[] {1, 2, 3, 4};
        stallsHeader = "2";
        TransactionOutcome o = port.transact(16, 3, Transaction.read(0x4000, 4));
        assertThat(lastRequest.get("path")).isEqualTo("/iommu/v1/streams/16/transactions");
        assertThat(lastRequest.get("query")).contains("op=read", "addr=0x4000", "length=4", "pasid=3");
        assertThat(o).isInstanceOfSatisfying(TransactionOutcome.Completed.class, c -> {
            assertThat(c.data()).containsExactly(1, 2, 3, 4);
            assertThat(c.stalls()).isEqualTo(2);
        });
    }

    @Test
    void aWriteTransactionSendsTheBytesAndNoPasidForClassicalDma() {
        status = 204;
        answer = new byte[0];
        TransactionOutcome o = port.transact(0x300, null, Transaction.write(0x9000, new byte[] {9, 8}));
        assertThat(lastRequest.get("query")).contains("op=write").doesNotContain("pasid");
        assertThat(lastRequest.get("body").getBytes(StandardCharsets.ISO_8859_1)).containsExactly(9, 8);
        assertThat(o).isInstanceOf(TransactionOutcome.Completed.class);
    }

    @Test
    void anEfaultProblemWithAnEventIsTheSmmuTerminatingTheTransaction() {
        answerJson(400, "{\"type\":\"https://sva-fabric.dev/problems/translation-fault\",\"status\":400,\"errno\":\"EFAULT\","
                + "\"event\":\"F_PERMISSION\",\"addr\":\"0x5000\",\"detail\":\"write to a read-only page\"}");
        TransactionOutcome o = port.transact(16, 3, Transaction.write(0x4800, new byte[4096]));
        assertThat(o).isInstanceOfSatisfying(TransactionOutcome.Terminated.class, t -> {
            assertThat(t.event()).isEqualTo("F_PERMISSION");
            assertThat(t.addr()).isEqualTo(0x5000);
        });
    }

    @Test
    void anyOtherProblemIsRaisedWithItsErrno() {
        answerJson(404, "{\"type\":\"https://sva-fabric.dev/problems/no-such-stream\",\"status\":404,\"errno\":\"ENODEV\",\"detail\":\"no stream\"}");
        assertThatThrownBy(() -> port.transact(99, null, Transaction.read(0, 8)))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }

    @Test
    void anUnreachableIommuServiceIsEio() {
        server.stop(0);
        DeviceDescription d = new DeviceDescription("p9", "platform", 40, null, null, null, 0, false, null);
        assertThatThrownBy(() -> port.hotplug(d))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
    }
}
