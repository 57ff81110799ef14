package org.svafabric.mm.api;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.testing.TestHttp.Response;
import org.svafabric.api.testing.TestHttp;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.mm.MmServiceApplication;

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
        "mm.notifier.release-timeout=2s",
        "mm.access.max-length=1MB",
        "mm.asid.bits=8"})
abstract class HttpTestBase {
    static final String TOKEN = "test-service-token";
    static final JsonMapper JSON = TestHttp.JSON;

    @LocalServerPort
    int port;

    /** The shared test client (fabric-api's TestHttp) with the service credential. */
    TestHttp http() {
        return TestHttp.local(port, TOKEN);
    }

    /** The memory bus as another service reaches it: MemoryBusClient over ServiceClients (problems become ErrnoException). */
    MemoryBusClient busClient() {
        FabricProperties props = new FabricProperties(TOKEN, new FabricProperties.Services(base(), null, null, null), null);
        return MemoryBusClient.of(new ServiceClients(props));
    }

    String base() {
        return http().base();
    }

    Response get(String path) {
        return http().get(path);
    }

    Response delete(String path) {
        return http().delete(path);
    }

    Response post(String path, String json) {
        return http().post(path, json);
    }

    Response send(String method, String path, String contentType, byte[] body) {
        return http().send(method, path, contentType, body);
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
}
