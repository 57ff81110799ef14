package org.svafabric.mm.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.svafabric.mm.MmServiceApplication;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * mm-service on a random port with a fresh in-memory H2, spoken to over real HTTP with the
 * service credential. Subclasses share one application context (same configuration).
 */
@SpringBootTest(classes = MmServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=mm-service",
        "spring.datasource.url=jdbc:h2:mem:mm-http;DB_CLOSE_DELAY=-1",
        "fabric.service-token=" + HttpTestBase.TOKEN,
        "mm.ram.size=64MB",
        "mm.notifier.timeout=500ms",
        "mm.access.max-length=1MB",
        "mm.asid.bits=8"})
abstract class HttpTestBase {
    static final String TOKEN = "test-service-token";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    record Response(int status, String contentType, byte[] body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + new String(body);
        }
    }

    /** The memory bus as another service reaches it: MemoryBusClient over ServiceClients (problems become ErrnoException). */
    org.svafabric.api.bus.MemoryBusClient busClient() {
        org.svafabric.api.web.FabricProperties props = new org.svafabric.api.web.FabricProperties(TOKEN,
                new org.svafabric.api.web.FabricProperties.Services(base(), null, null, null), null);
        return org.svafabric.api.bus.MemoryBusClient.of(new org.svafabric.api.client.ServiceClients(props));
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    Response get(String path) {
        return send(req(path).GET());
    }

    Response delete(String path) {
        return send(req(path).DELETE());
    }

    Response post(String path, String json) {
        return send(req(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response send(String method, String path, String contentType, byte[] body) {
        return send(req(path).header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Response putBytes(String path, byte[] body) {
        return send("PUT", path, "application/octet-stream", body);
    }

    long createProcess() {
        Response r = post("/mm/v1/processes", "{\"name\":\"t\",\"uid\":1000}");
        if (r.status() != 201) {
            throw new IllegalStateException(r.toString());
        }
        return r.json().path("pid").asLong();
    }

    long mmap(long pid, long length, String prot) {
        Response r = post("/mm/v1/processes/" + pid + "/mmap", "{\"length\":" + length + ",\"prot\":\"" + prot + "\"}");
        if (r.status() != 201) {
            throw new IllegalStateException(r.toString());
        }
        return Long.decode(r.json().path("addr").asString());
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).header("X-Fabric-Service-Token", TOKEN);
    }

    private static Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
