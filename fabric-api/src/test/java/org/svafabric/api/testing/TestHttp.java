package org.svafabric.api.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.svafabric.api.web.ServiceCredentialFilter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one HTTP client of the services' tests: real HTTP on loopback to a service on a random port, with the
 * service credential (or, for the gateway's public API, a caller's bearer token) when one is given, every
 * request bounded by a timeout.
 */
public final class TestHttp {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String header;
    private final String credential;

    /** {@code token}: the service credential sent as {@value ServiceCredentialFilter#HEADER}; null for none. */
    public TestHttp(String base, String token) {
        this(base, ServiceCredentialFilter.HEADER, token);
    }

    private TestHttp(String base, String header, String credential) {
        this.base = base;
        this.header = header;
        this.credential = credential;
    }

    public static TestHttp local(int port, String token) {
        return new TestHttp("http://127.0.0.1:" + port, token);
    }

    /** A caller of the gateway's public API: {@code Authorization: Bearer token} (null: no Authorization). */
    public static TestHttp bearer(int port, String token) {
        return new TestHttp("http://127.0.0.1:" + port, "Authorization", token == null ? null : "Bearer " + token);
    }

    /** The same service without the credential. */
    public TestHttp withoutToken() {
        return new TestHttp(base, header, null);
    }

    public String base() {
        return base;
    }

    public record Response(int status, String contentType, byte[] bytes, HttpHeaders headers) {
        public JsonNode json() {
            return JSON.readTree(bytes);
        }

        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The Location header, or null. */
        public String location() {
            return headers.firstValue("Location").orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body();
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, "application/json", bytes(json));
    }

    public Response put(String path, String json) {
        return send("PUT", path, "application/json", bytes(json));
    }

    /** {@code json} null: no body and no Content-Type. */
    public Response json(String method, String path, String json) {
        return send(method, path, json == null ? null : "application/json", bytes(json));
    }

    /** Any request; {@code body} null sends none, {@code contentType} null no Content-Type. */
    public Response send(String method, String path, String contentType, byte[] body) {
        return send(method, path, contentType, null, body);
    }

    /** The same with an Accept header ({@code accept} null: none). */
    public Response send(String method, String path, String contentType, String accept, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (credential != null) {
            b.header(header, credential);
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
