package org.svafabric.gateway.fabric;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.client.ServiceGuard;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** GET /fabric's health of a service: down when the view's own call could not reach it, else its actuator's answer, held briefly. */
class PeerHealthTest {
    private static final Remote IOMMU = Remote.of(RemoteService.IOMMU);
    private static final Remote MM = Remote.of(RemoteService.MM);

    private HttpServer server;
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger probed = new AtomicInteger();
    private volatile String status = "UP";
    private volatile String live = "UP";
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private PeerHealth health;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/actuator/health", x -> {
            asked.incrementAndGet();
            answer(x, status);
        });
        server.createContext("/internal/v1/liveness", x -> {
            probed.incrementAndGet();
            answer(x, live);
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        // iommu-service answers; mm-service is nowhere (port 9: connection refused).
        FabricProperties props = new FabricProperties("t", new FabricProperties.Services("http://127.0.0.1:9", url, url, null), null);
        health = new PeerHealth(new ServiceClients(props), props, now::get);
    }

    /** A health answer as the actuator gives it: the status, 200 when UP, else 503. */
    private static void answer(HttpExchange x, String status) throws IOException {
        byte[] body = ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders("UP".equals(status) ? 200 : 503, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static ErrnoException unreachable() {
        return new ErrnoException(Errno.EIO, ServiceGuard.SERVICE_UNAVAILABLE, "iommu-service (the SMMU) did not answer: connection refused");
    }

    @Test
    void aReachedServicesUpIsHeldForAtMostMaxAge() {
        assertThat(health.after(IOMMU, null).status()).isEqualTo("UP");
        assertThat(health.after(IOMMU, null).status()).isEqualTo("UP");
        assertThat(asked).as("the second view within MAX_AGE did not ask").hasValue(1);

        now.addAndGet(PeerHealth.MAX_AGE.toNanos());
        assertThat(health.after(IOMMU, null).status()).isEqualTo("UP");
        assertThat(asked).hasValue(2);
    }

    @Test
    void aServiceTheViewCouldNotReachIsDownAtOnceWithTheCallsReason() {
        assertThat(health.after(IOMMU, null).status()).isEqualTo("UP");

        FabricView.Health h = health.after(IOMMU, unreachable());

        assertThat(h.status()).isEqualTo("DOWN");
        assertThat(h.error()).contains("did not answer: connection refused");
        assertThat(asked).as("no health call for a service the view could not reach").hasValue(1);
        // Back: the first view that reaches it asks again rather than trusting the UP held before the failure.
        assertThat(health.after(IOMMU, null).status()).isEqualTo("UP");
        assertThat(asked).hasValue(2);
    }

    @Test
    void aProblemAnswerProvesTheServiceIsThere() {
        ErrnoException refused = new ErrnoException(Errno.ENODEV, "no-such-device", "no device x");

        assertThat(health.after(IOMMU, refused).status()).isEqualTo("UP");
        assertThat(asked).hasValue(1);
    }

    @Test
    void aServiceThatIsNotUpIsAskedEveryTime() {
        status = "DOWN";

        assertThat(health.after(IOMMU, null).status()).isEqualTo("DOWN");
        assertThat(health.after(IOMMU, null).status()).isEqualTo("DOWN");

        assertThat(asked).hasValue(2);
    }

    @Test
    void aProbedServiceIsReachedEveryViewAndItsFullHealthHeldForMaxAge() {
        assertThat(health.probe(IOMMU).status()).isEqualTo("UP");
        assertThat(health.probe(IOMMU).status()).isEqualTo("UP");
        assertThat(probed).as("the liveness probe on every view").hasValue(2);
        assertThat(asked).as("the full health once within MAX_AGE").hasValue(1);

        status = "DOWN"; // live, but one of its own indicators (its database) is down
        assertThat(health.probe(IOMMU).status()).as("the held answer, within MAX_AGE").isEqualTo("UP");
        now.addAndGet(PeerHealth.MAX_AGE.toNanos());
        assertThat(health.probe(IOMMU).status()).as("its own indicators' status once the held answer is old").isEqualTo("DOWN");
        assertThat(asked).hasValue(2);
        assertThat(probed).hasValue(4);
    }

    @Test
    void aProbeThatIsNotUpAsksTheFullHealthAtOnce() {
        assertThat(health.probe(IOMMU).status()).isEqualTo("UP");
        live = "DOWN";
        status = "DOWN";

        assertThat(health.probe(IOMMU).status()).as("not the UP held a moment ago").isEqualTo("DOWN");
        assertThat(asked).hasValue(2);
    }

    @Test
    void aProbedServiceThatDoesNotAnswerIsDownWithoutAskingItsHealth() {
        assertRefused(health.probe(MM));
        assertThat(asked).hasValue(0);
    }

    @Test
    void askAlwaysAsksAndAServiceThatDoesNotAnswerIsDown() {
        assertRefused(health.ask(MM));
    }

    /** mm-service, nowhere in these tests: DOWN at its URL, with the connection's reason. */
    private static void assertRefused(FabricView.Health mm) {
        assertThat(mm.status()).isEqualTo("DOWN");
        assertThat(mm.url()).isEqualTo("http://127.0.0.1:9");
        assertThat(mm.error()).contains("connection refused");
    }
}
