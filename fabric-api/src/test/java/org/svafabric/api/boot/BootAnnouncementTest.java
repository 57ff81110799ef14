package org.svafabric.api.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.web.FabricProperties;

/**
 * Who a booted service tells, and that the telling is a call carrying its boot id and name: two device-service
 * shards, mm-service and iommu-service on loopback, each recording the boot headers of the calls it gets.
 */
class BootAnnouncementTest {
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, HttpServer> byName = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private String peer(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/liveness", ex -> {
            calls.add(name + " <- " + ex.getRequestHeaders().getFirst(BootId.SERVICE_HEADER) + " "
                    + ex.getRequestHeaders().getFirst(BootId.HEADER));
            byte[] body = "{\"status\":\"UP\"}".getBytes();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        servers.add(server);
        byName.put(name, server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ServiceClients clients;

    private BootAnnouncement announcement(BootId self) throws IOException {
        String shards = peer("device-0") + "," + peer("device-1");
        FabricProperties props = new FabricProperties("tok", new FabricProperties.Services(peer("mm"), peer("iommu"), null, null, shards),
                new FabricProperties.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        clients = new ServiceClients(props, self, new PeerBoots(self.service()));
        return new BootAnnouncement(self, clients);
    }

    @Test
    void mmServiceTellsTheSmmuAndEveryDeviceShardWithItsNewBootId() throws IOException {
        BootId self = BootId.generate(BootId.MM);
        BootAnnouncement a = announcement(self);
        assertThat(a.peers()).extracting(Remote::peer)
                .containsExactly(BootId.IOMMU, BootId.deviceShard(0, 2), BootId.deviceShard(1, 2));
        a.announce();
        assertThat(calls).containsExactlyInAnyOrder("iommu <- mm-service " + self.id(), "device-0 <- mm-service " + self.id(),
                "device-1 <- mm-service " + self.id());
    }

    @Test
    void aDeviceShardTellsRamAndTheSmmuNotItsNeighbours() throws IOException {
        BootId self = BootId.generate(BootId.deviceShard(1, 2));
        BootAnnouncement a = announcement(self);
        a.announce();
        assertThat(calls).containsExactlyInAnyOrder("mm <- device-service-1 " + self.id(), "iommu <- device-service-1 " + self.id());
    }

    @Test
    void theGatewayTellsNobodyAndAPeerThatIsDownDoesNotStopTheBoot() throws IOException {
        assertThat(announcement(BootId.generate(BootId.GATEWAY)).peers()).isEmpty();
        BootAnnouncement a = announcement(BootId.generate(BootId.IOMMU));
        byName.get("mm").stop(0); // mm-service is down
        a.announce();
        assertThat(calls).hasSize(2).allMatch(c -> c.startsWith("device-"));
        // Outside the breaker: a refused announcement and one success would be 50 %, and open it.
        assertThat(clients.guard().breaker(Remote.of(RemoteService.MM)).getMetrics().getNumberOfFailedCalls()).isZero();
    }
}
