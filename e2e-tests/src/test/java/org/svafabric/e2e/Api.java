package org.svafabric.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for scenario tests: real requests to the gateway with a bearer token. */
public final class Api {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final String serviceToken;

    public Api(String base, String token) {
        this(base, token, null);
    }

    private Api(String base, String token, String serviceToken) {
        this.base = base;
        this.token = token;
        this.serviceToken = serviceToken;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken, serviceToken);
    }

    /** The same client sending the fabric's service credential, as the services do between themselves. */
    public Api withServiceToken(String credential) {
        return new Api(base, token, credential);
    }

    public record Response(int status, String contentType, byte[] body, HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    public Response get(String path) {
        return send(req(path).GET());
    }

    /** A GET whose headers the test reads too (X-Total-Count, Link); {@code headers} are name, value pairs to send. */
    public HttpResponse<byte[]> getRaw(String path, String... headers) {
        HttpRequest.Builder b = req(path).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a Server-Sent Events stream; its bytes arrive on the returned body until it is closed. */
    public HttpResponse<java.io.InputStream> stream(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream").GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not open " + path, e);
        }
    }

    public static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }

    public Response delete(String path) {
        return send(req(path).DELETE());
    }

    public Response post(String path, Object body) {
        return send(req(path).header("Content-Type", "application/json").POST(jsonBody(body)));
    }

    public Response put(String path, Object body) {
        return send(req(path).header("Content-Type", "application/json").PUT(jsonBody(body)));
    }

    /** A raw body with a given content type, for malformed-input tests. */
    public Response send(String method, String path, String contentType, byte[] body) {
        return send(req(path).header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response putBytes(String path, byte[] body) {
        return send("PUT", path, "application/octet-stream", body);
    }

    private HttpRequest.Builder req(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (serviceToken != null) {
            b.header("X-Fabric-Service-Token", serviceToken);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher jsonBody(Object body) {
        if (body instanceof String s) {
            return HttpRequest.BodyPublishers.ofString(s);
        }
        return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    }

    private static Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
