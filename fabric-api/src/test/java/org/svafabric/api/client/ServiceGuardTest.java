package org.svafabric.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.web.FabricProperties;

import com.sun.net.httpserver.HttpServer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/** The one failure wrapper: a service that does not answer, the breaker opening, failing fast, and closing once it is back. */
@Timeout(180)
class ServiceGuardTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void serveOn(int port, int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", x -> {
            requests.incrementAndGet();
            x.getRequestBody().readAllBytes();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", contentType);
            x.sendResponseHeaders(status, b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    private static ServiceClients clients(int port, Duration openWait) {
        FabricProperties props = new FabricProperties("tok", new FabricProperties.Services("http://127.0.0.1:" + port, null, null, null),
                new FabricProperties.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        return new ServiceClients(props, new ServiceGuard(openWait));
    }

    @Test
    void aServiceThatDoesNotAnswerIsA503NamingItAndWhatItHolds() throws IOException {
        MmApi mm = clients(freePort(), Duration.ofSeconds(2)).mm();
        assertThatThrownBy(() -> mm.get(7)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.errno()).isEqualTo(Errno.EIO);
            assertThat(e.getMessage()).isEqualTo("mm-service (RAM, processes) is not answering: connection refused");
            assertThat(e.retryAfterSeconds()).isEqualTo(2L);
        });
    }

    @Test
    void theBreakerOpensFailsFastAndClosesOnceTheServiceIsBack() throws IOException {
        int port = freePort();
        ServiceClients clients = clients(port, Duration.ofMillis(300));
        MmApi mm = clients.mm();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> mm.get(7)).isInstanceOf(ErrnoException.class);
        }
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        serveOn(port, 200, "application/json", "{\"pid\":7,\"name\":\"a\",\"uid\":1000,\"state\":\"RUNNING\"}");
        // Open: no request reaches the service, the caller is told to come back.
        assertThatThrownBy(() -> mm.get(7)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.getMessage()).startsWith("mm-service (RAM, processes) is not answering: calls to it fail fast");
            assertThat(e.retryAfterSeconds()).isEqualTo(1L);
        });
        assertThat(requests).hasValue(0);

        // After the open-state wait one call probes (half-open) and its success closes the breaker.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> mm.get(7).pid() == 7);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aProblemAnswerIsTheServiceAnsweringNotAFailureOfTheLink() throws IOException {
        int port = freePort();
        serveOn(port, 503, "application/problem+json", "{\"type\":\"https://sva-fabric.dev/problems/service-unavailable\","
                + "\"status\":503,\"errno\":\"EIO\",\"detail\":\"iommu-service (the SMMU, the SVA core) is not answering\"}");
        ServiceClients clients = clients(port, Duration.ofSeconds(2));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> clients.mm().get(7)).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.getMessage()).startsWith("iommu-service"));
        }
        assertThat(requests).hasValue(4);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
