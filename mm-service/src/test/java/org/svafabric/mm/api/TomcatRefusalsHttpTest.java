package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.testing.TestHttp.Response;

/**
 * What Tomcat refuses before any servlet reads the request answers as problem+json with the errno
 * (ProblemErrorReportValve), like every other error of the fabric, instead of Tomcat's HTML page; the answers of
 * Spring MVC and of the bus servlet are left as they were.
 */
class TomcatRefusalsHttpTest extends HttpTestBase {

    @Test
    void anEncodedSlashInThePathIsAProblemWithItsErrno() {
        Response r = assertRefused(get("/mm/v1/processes/1%2F2"));
        assertThat(r.json().path("status").asInt()).isEqualTo(400);
        assertThat(r.json().path("type").asString()).isEqualTo("https://sva-fabric.dev/problems/bad-request");
        assertThat(r.json().path("detail").asString()).contains("refused the request before the service read it");
        assertThat(r.body()).doesNotContain("<html");
    }

    @Test
    void anEncodedNulInThePathIsAProblemToo() {
        assertRefused(get("/mm/v1/processes/1%00"));
    }

    @Test
    void theServicesOwnProblemsAreUntouched() {
        Response r = get("/mm/v1/processes/abc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asString()).doesNotContain("refused the request before");
        Response missing = get("/mm/v1/processes/987654");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("errno").asString()).isEqualTo("ESRCH");
    }

    private static Response assertRefused(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo("EINVAL");
        return r;
    }
}
