package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * What is not for users stays closed: the gateway's /internal/ event log needs the service
 * credential or an admin token and is not in the public OpenAPI; health says UP to anyone but
 * its details (disk paths, database) only to the fabric's services and admin; 401 and 403 are
 * problem+json in UTF-8.
 */
@ExtendWith(FabricExtension.class)
class ClosedDoorsTest {
    private final Fabric fabric;

    ClosedDoorsTest(Fabric fabric) {
        this.fabric = fabric;
    }

    @Test
    void theGatewaysInternalEventLogNeedsTheServiceCredentialOrAdmin() {
        Api internal = new Api(fabric.url("gateway"), null);
        Api.Response anonymous = internal.get("/internal/v1/events");
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertProblemInUtf8(anonymous, "EACCES");
        Api.Response user = internal.as(Fabric.USER_TOKEN).get("/internal/v1/events");
        assertThat(user.status()).as(user.toString()).isEqualTo(403);
        assertProblemInUtf8(user, "EPERM");
        assertThat(internal.as(Fabric.ADMIN_TOKEN).get("/internal/v1/events").status()).isEqualTo(200);
        assertThat(internal.withServiceToken(Fabric.SERVICE_TOKEN).get("/internal/v1/events").status()).isEqualTo(200);
        assertThat(internal.withServiceToken("not-the-credential").get("/internal/v1/events").status()).isEqualTo(401);
    }

    @Test
    void theOpenApiDocumentHasNoInternalPath() {
        JsonNode doc = new Api(fabric.url("gateway"), null).get("/v3/api-docs").json();
        assertThat(doc.path("paths").propertyNames()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("/api/"));
    }

    @Test
    void healthIsPublicButItsDetailsAreNot() {
        for (String service : List.of("mm", "iommu", "device", "gateway")) {
            Api health = new Api(fabric.url(service), null);
            Api.Response open = health.get("/actuator/health");
            assertThat(open.status()).as(service + " " + open).isEqualTo(200);
            assertThat(open.json().path("status").asString()).isEqualTo("UP");
            assertThat(open.json().has("components")).as(service + " " + open).isFalse();
            assertThat(open.text()).doesNotContain("path", "diskSpace");
            assertThat(health.as(Fabric.USER_TOKEN).get("/actuator/health").json().has("components")).as(service).isFalse();

            Api.Response trusted = health.withServiceToken(Fabric.SERVICE_TOKEN).get("/actuator/health");
            assertThat(trusted.json().path("components").has("diskSpace")).as(service + " " + trusted).isTrue();
        }
        assertThat(new Api(fabric.url("gateway"), Fabric.ADMIN_TOKEN).get("/actuator/health").json().has("components")).isTrue();
    }

    @Test
    void anUnknownTokenAndAForbiddenCallAreProblemsInUtf8() {
        Api.Response unknown = new Api(fabric.gateway(), "no-such-token").get("/processes");
        assertThat(unknown.status()).isEqualTo(401);
        assertProblemInUtf8(unknown, "EACCES");
        Api.Response missing = new Api(fabric.gateway(), null).get("/processes");
        assertThat(missing.status()).isEqualTo(401);
        assertProblemInUtf8(missing, "EACCES");
    }

    static void assertProblemInUtf8(Api.Response r, String errno) {
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.contentType().toLowerCase()).as(r.toString()).satisfiesAnyOf(
                ct -> assertThat(ct).contains("charset=utf-8"), ct -> assertThat(ct).doesNotContain("charset"));
        JsonNode pd = Api.json(new String(r.body(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        assertThat(pd.path("errno").asString()).isEqualTo(errno);
        assertThat(pd.path("status").asInt()).isEqualTo(r.status());
        assertThat(pd.path("detail").asString()).isNotBlank();
    }
}
