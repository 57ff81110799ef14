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

    private final AtomicInteger healthAsks = new AtomicInteger();

    private void serveOn(int port, int status, String contentType, String body) throws IOException {
        serveOn(port, 200, status, contentType, body);
    }

    /** {@code /actuator/health} answers {@code healthStatus}; every other path {@code status} with {@code body}. */
    private void serveOn(int port, int healthStatus, int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            boolean health = x.getRequestURI().getPath().equals("/actuator/health");
            (health ? healthAsks : requests).incrementAndGet();
            byte[] b = (health ? "{\"status\":\"" + (healthStatus == 200 ? "UP" : "DOWN") + "\"}" : body).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", health ? "application/json" : contentType);
            x.sendResponseHeaders(health ? healthStatus : status, b.length);
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
        int port = freePort();
        MmApi mm = clients(port, Duration.ofSeconds(2)).mm();
        assertThatThrownBy(() -> mm.get(7)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.errno()).isEqualTo(Errno.EIO);
            assertThat(e.slug()).isEqualTo(ServiceGuard.SERVICE_UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("mm-service (RAM, processes) at http://127.0.0.1:" + port
                    + " did not answer: connection refused; retry once it is back (./fabric up restarts it)");
            assertThat(e.retryAfterSeconds()).isEqualTo(2L);
        });
    }

    private static final String PROCESS = "{\"pid\":7,\"name\":\"a\",\"uid\":1000,\"state\":\"RUNNING\"}";

    @Test
    void theBreakerOpensFailsFastAndClosesAfterItsWaitOnceTheServiceIsBack() throws IOException {
        int port = freePort();
        ServiceClients clients = clients(port, Duration.ofMillis(300));
        MmApi mm = clients.mm();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> mm.get(7)).isInstanceOf(ErrnoException.class);
        }
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        // Back, but not healthy yet: the breaker's health probe is refused, so callers still fail fast.
        serveOn(port, 503, 200, "application/json", PROCESS);
        assertThatThrownBy(() -> mm.get(7)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.getMessage()).startsWith("mm-service (RAM, processes) at http://127.0.0.1:" + port
                    + " did not answer: connection refused; calls to it fail fast until it answers again");
            assertThat(e.retryAfterSeconds()).isEqualTo(1L);
        });
        assertThat(requests).hasValue(0);

        // After the open-state wait one call tries the service (half-open) and its success closes the breaker.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> mm.get(7).pid() == 7);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theFirstCallAfterTheServiceAnswersHealthAgainSucceeds() throws IOException {
        int port = freePort();
        // An open wait far longer than the test: only the health probe can close the breaker here.
        ServiceClients clients = clients(port, Duration.ofMinutes(10));
        MmApi mm = clients.mm();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> mm.get(7)).isInstanceOf(ErrnoException.class);
        }
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.OPEN);

        serveOn(port, 200, 200, "application/json", PROCESS);
        assertThat(mm.get(7).pid()).isEqualTo(7);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(healthAsks).hasValue(1);
        assertThat(requests).hasValue(1);
    }

    @Test
    void oneRefusedCallBeforeTheServiceWasUpAndOneSuccessLeaveTheBreakerClosed() throws IOException {
        int port = freePort();
        ServiceClients clients = clients(port, Duration.ofMinutes(10));
        MmApi mm = clients.mm();
        assertThatThrownBy(() -> mm.get(7)).isInstanceOf(ErrnoException.class);
        serveOn(port, 200, 200, "application/json", PROCESS);
        assertThat(mm.get(7).pid()).isEqualTo(7);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(mm.get(7).pid()).as("the next call goes through, no health probe first").isEqualTo(7);
        assertThat(healthAsks).hasValue(0);
    }

    @Test
    void aCallThatTimesOutIsA503ButDoesNotOpenTheBreaker() throws IOException {
        int port = freePort();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", x -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.start();
        FabricProperties props = new FabricProperties("tok", new FabricProperties.Services("http://127.0.0.1:" + port, null, null, null),
                new FabricProperties.Timeouts(Duration.ofSeconds(10), Duration.ofMillis(200)));
        ServiceClients clients = new ServiceClients(props, new ServiceGuard(Duration.ofMinutes(10)));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> clients.mm().get(7)).isInstanceOfSatisfying(ErrnoException.class, e -> {
                assertThat(e.status().value()).isEqualTo(503);
                assertThat(e.getMessage()).contains("did not answer: no answer within the timeout");
            });
        }
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aProblemAnswerIsTheServiceAnsweringNotAFailureOfTheLink() throws IOException {
        int port = freePort();
        serveOn(port, 503, "application/problem+json", "{\"type\":\"https://sva-fabric.dev/problems/service-unavailable\","
                + "\"status\":503,\"errno\":\"EIO\",\"detail\":\"iommu-service (the SMMU, bonds and PASIDs) at http://127.0.0.1:8082 did not answer\"}");
        ServiceClients clients = clients(port, Duration.ofSeconds(2));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> clients.mm().get(7)).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.getMessage()).startsWith("iommu-service"));
        }
        assertThat(requests).hasValue(4);
        assertThat(clients.guard().breaker(RemoteService.MM).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
