package org.svafabric.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.svafabric.api.testing.TestHttp;

import tools.jackson.databind.JsonNode;

/**
 * docs/API.md documents the public API the gateway's OpenAPI describes: the same operations, both ways; and
 * the OpenAPI shows what the public API really is (no caller parameter, no internal endpoint, real success codes).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.datasource.url=jdbc:h2:mem:gw-apidoc;DB_CLOSE_DELAY=-1",
        "fabric.security.tokens[0].token=t-1000",
        "fabric.security.tokens[0].uid=1000"})
class ApiDocTest {
    private static final Pattern OPERATION = Pattern.compile("^\\| `(GET|POST|PUT|DELETE|PATCH) (/api/v1/[^`]*)`", Pattern.MULTILINE);

    @LocalServerPort
    int port;

    private JsonNode openApi() throws Exception {
        TestHttp.Response r = TestHttp.bearer(port, null).get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    @Test
    void everyOperationOfTheOpenApiIsInDocsApiMdAndViceVersa() throws Exception {
        Set<String> live = new TreeSet<>();
        openApi().path("paths").properties().forEach(p -> p.getValue().properties()
                .forEach(op -> live.add(op.getKey().toUpperCase() + " " + p.getKey())));
        Set<String> documented = new TreeSet<>();
        Matcher m = OPERATION.matcher(Files.readString(Path.of("..", "docs", "API.md")));
        while (m.find()) {
            documented.add(m.group(1) + " " + m.group(2));
        }
        assertThat(live).hasSizeGreaterThan(30);
        assertThat(documented).as("docs/API.md").containsExactlyInAnyOrderElementsOf(live);
    }

    @Test
    void theOpenApiHasNoCallerParameterNoInternalPathAndTheRealSuccessCodes() throws Exception {
        JsonNode doc = openApi();
        assertThat(doc.toString()).doesNotContain("\"caller\"").doesNotContain("tokenName");
        doc.path("paths").properties().forEach(p -> assertThat(p.getKey()).startsWith("/api/v1/"));
        JsonNode paths = doc.path("paths");
        assertThat(paths.at("/~1api~1v1~1processes/post/responses").has("201")).isTrue();
        assertThat(paths.at("/~1api~1v1~1processes~1{pid}/delete/responses").has("202")).isTrue();
        assertThat(paths.at("/~1api~1v1~1processes~1{pid}~1munmap/post/responses").has("204")).isTrue();
        assertThat(paths.at("/~1api~1v1~1processes~1{pid}~1munmap/post/responses").has("200")).isFalse();
        assertThat(paths.at("/~1api~1v1~1vfio~1groups/get/responses").has("409")).isFalse();
        assertThat(paths.at("/~1api~1v1~1devices~1{dev}~1jobs/post/requestBody/content/application~1json/schema/$ref").asString())
                .isNotEmpty();
        assertThat(paths.at("/~1api~1v1~1processes~1{pid}/get/parameters/0/description").asString()).isNotEmpty();
    }

    /**
     * Issue 13's "a typed schema for every body": each JSON request and success body is a named schema (or a list
     * of one), and no named schema is an untyped object, a Map of anything or Jackson's tree (nodeType, bigDecimal).
     */
    @Test
    void everyJsonBodyHasATypedSchema() throws Exception {
        JsonNode doc = openApi();
        List<String> untyped = new ArrayList<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            String where = op.getKey().toUpperCase() + " " + p.getKey();
            op.getValue().path("requestBody").path("content").properties()
                    .forEach(c -> checkBody(where + " request " + c.getKey(), c.getKey(), c.getValue().path("schema"), untyped));
            op.getValue().path("responses").properties().stream().filter(r -> r.getKey().startsWith("2"))
                    .forEach(r -> r.getValue().path("content").properties()
                            .forEach(c -> checkBody(where + " " + r.getKey() + " " + c.getKey(), c.getKey(), c.getValue().path("schema"), untyped)));
        }));
        doc.path("components").path("schemas").properties().forEach(s -> {
            JsonNode schema = s.getValue();
            if (schema.path("properties").has("nodeType") || schema.path("properties").has("bigDecimal")) {
                untyped.add("schema " + s.getKey() + " is Jackson's JsonNode");
            }
            if ("object".equals(schema.path("type").asString()) && !schema.has("properties") && !schema.has("additionalProperties")
                    && !schema.has("allOf") && !schema.has("oneOf")) {
                untyped.add("schema " + s.getKey() + " is an object without properties");
            }
        });
        assertThat(untyped).isEmpty();
    }

    private static void checkBody(String where, String mediaType, JsonNode schema, List<String> untyped) {
        // Bytes, pages and streams are what they say; anything else (springdoc's */* included) is JSON.
        if (mediaType.equals("application/octet-stream") || mediaType.startsWith("text/")) {
            return;
        }
        JsonNode named = "array".equals(schema.path("type").asString()) ? schema.path("items") : schema;
        if (!named.has("$ref")) {
            untyped.add(where + ": " + schema);
        }
    }
}
