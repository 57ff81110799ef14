package org.svafabric.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.svafabric.api.testing.TestHttp;

/** The gateway alone: authentication, and a clear problem when a backend service is down. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.datasource.url=jdbc:h2:mem:gw-alone;DB_CLOSE_DELAY=-1",
        "fabric.services.mm=http://127.0.0.1:9",
        "fabric.security.tokens[0].token=t-1000",
        "fabric.security.tokens[0].uid=1000"})
class GatewayWithoutBackendsTest {
    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.svafabric.api.client.ServiceClients clients;

    private TestHttp.Response get(String path, String token) {
        return TestHttp.bearer(port, token).get(path);
    }

    @Test
    void noTokenGives401ProblemWithAChallenge() throws Exception {
        TestHttp.Response r = get("/api/v1/processes", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }

    @Test
    void anUnknownTokenGives401() throws Exception {
        assertThat(get("/api/v1/processes", "nope").status()).isEqualTo(401);
    }

    @Test
    void aBackendThatDoesNotAnswerGives503ProblemNot500() throws Exception {
        TestHttp.Response r = get("/api/v1/processes/7", "t-1000");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).contains("\"errno\":\"EIO\"").contains("mm-service (RAM, processes) at http://127.0.0.1:9 did not answer");
        assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
    }

    @Test
    void whileABackendIsDownCallersFailFastNamingIt() {
        // A few refused connections open mm-service's breaker; from then on callers are answered at once.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                get("/api/v1/processes/8", "t-1000").body().contains("did not answer: connection refused; calls to it fail fast"));
        assertThat(clients.guard().breaker(org.svafabric.api.client.RemoteService.MM).getState())
                .isIn(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN, io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void theProblemNamesTheServiceByWhatItHoldsAndSaysWhenToRetry() throws Exception {
        TestHttp.Response r = get("/api/v1/processes/7", "t-1000");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
        // Whether the breaker is open yet (the other tests' calls) or not, the detail says why and when to come back.
        assertThat(r.body()).contains("mm-service (RAM, processes) at http://127.0.0.1:9 did not answer: connection refused")
                .doesNotContain(": null");
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        assertThat(get("/actuator/health", null).status()).isEqualTo(200);
    }
}
