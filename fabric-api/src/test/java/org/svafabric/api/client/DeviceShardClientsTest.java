package org.svafabric.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerBoots;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.DeviceShards;
import org.svafabric.api.web.FabricProperties;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Routing by device over two device-service shards (fake HTTP shards): what the listings teach, the hash fallback for
 * an id nobody listed, a dead shard taking only its own devices away (its 503 names it, its own breaker opens),
 * boot ids per shard, job ids and the merged job listing, a hotplug to the owning shard.
 */
@Timeout(120)
class DeviceShardClientsTest {
    private final List<FakeShard> shards = new ArrayList<>();

    @AfterEach
    void stop() {
        shards.forEach(FakeShard::stop);
    }

    /** One fake device-service shard: its devices, jobs ("j<k>-<n>", with submission times) and a boot id. */
    final class FakeShard {
        final int index;
        final int port;
        final List<String> devices = new CopyOnWriteArrayList<>();
        final List<long[]> jobs = new CopyOnWriteArrayList<>(); // {number, submittedMillis}
        final AtomicInteger calls = new AtomicInteger();
        final List<String> paths = new CopyOnWriteArrayList<>();
        volatile String bootId = UUID.randomUUID().toString();
        volatile HttpServer server;

        FakeShard(int index) throws IOException {
            this.index = index;
            this.port = freePort();
        }

        void start() throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            s.createContext("/", this::handle);
            s.start();
            server = s;
        }

        void stop() {
            HttpServer s = server;
            server = null;
            if (s != null) {
                s.stop(0);
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        private void handle(HttpExchange x) throws IOException {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            calls.incrementAndGet();
            paths.add(method + " " + path);
            x.getResponseHeaders().add(BootId.HEADER, bootId);
            if (path.equals("/actuator/health")) {
                send(x, 200, "{\"status\":\"UP\"}");
            } else if (path.equals("/device/v1/fabric")) {
                send(x, 200, "{\"devices\":[" + String.join(",", devices.stream().map(FakeShard::device).toList())
                        + "],\"faults\":[{\"kind\":\"atc-inv-timeout\",\"device\":\"" + (devices.isEmpty() ? "" : devices.get(0))
                        + "\",\"owner\":\"device-service\",\"fired\":0}]}");
            } else if (path.equals("/device/v1/devices") && method.equals("GET")) {
                send(x, 200, "[" + String.join(",", devices.stream().map(FakeShard::device).toList()) + "]");
            } else if (path.equals("/device/v1/devices") && method.equals("POST")) {
                String id = body.replaceAll(".*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
                devices.add(id);
                send(x, 201, device(id));
            } else if (path.startsWith("/device/v1/devices/")) {
                String id = URLDecoder.decode(path.substring("/device/v1/devices/".length()), StandardCharsets.UTF_8);
                if (devices.contains(id)) {
                    send(x, 200, device(id));
                } else {
                    problem(x, 404, "no-such-device", "ENODEV", "no device " + id);
                }
            } else if (path.startsWith("/device/v1/jobs/")) {
                String id = path.substring("/device/v1/jobs/".length());
                if (jobs.stream().anyMatch(j -> ("j" + index + "-" + j[0]).equals(id))) {
                    send(x, 200, job("j" + index + "-" + id.substring(id.indexOf('-') + 1)));
                } else {
                    problem(x, 404, "no-such-job", "ENOENT", "no job " + id);
                }
            } else if (path.equals("/device/v1/jobs")) {
                Map<String, String> q = query(x.getRequestURI().getRawQuery());
                int size = Integer.parseInt(q.getOrDefault("size", "50"));
                long total = jobs.size();
                long from = q.containsKey("page") ? Math.min((long) Integer.parseInt(q.get("page")) * size, total) : Math.max(0, total - size);
                long to = Math.min(total, from + size);
                List<String> items = new ArrayList<>();
                List<String> times = new ArrayList<>();
                for (long i = from; i < to; i++) {
                    long[] j = jobs.get((int) i);
                    items.add(job("j" + index + "-" + j[0]));
                    times.add(String.valueOf(j[1]));
                }
                send(x, 200, "{\"items\":[" + String.join(",", items) + "],\"page\":0,\"size\":" + size + ",\"total\":" + total
                        + ",\"submittedMillis\":[" + String.join(",", times) + "]}");
            } else {
                problem(x, 404, "not-found", "ENOENT", path);
            }
        }

        static String device(String id) {
            return "{\"id\":\"" + id + "\",\"type\":\"pci\",\"sid\":1}";
        }

        static String job(String id) {
            return "{\"jobId\":\"" + id + "\",\"status\":\"COMPLETED\",\"length\":0,\"bytes\":0}";
        }

        private void problem(HttpExchange x, int status, String slug, String errno, String detail) throws IOException {
            x.getResponseHeaders().add("Content-Type", "application/problem+json");
            send(x, status, "{\"type\":\"https://sva-fabric.dev/problems/" + slug + "\",\"status\":" + status + ",\"errno\":\""
                    + errno + "\",\"detail\":\"" + detail + "\"}");
        }

        private void send(HttpExchange x, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            if (!x.getResponseHeaders().containsKey("Content-Type")) {
                x.getResponseHeaders().add("Content-Type", "application/json");
            }
            x.sendResponseHeaders(status, b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private FakeShard shard(int k) throws IOException {
        FakeShard s = new FakeShard(k);
        s.start();
        shards.add(s);
        return s;
    }

    private ServiceClients clients(PeerBoots boots) {
        String urls = String.join(",", shards.stream().map(FakeShard::url).toList());
        FabricProperties props = new FabricProperties("tok", new FabricProperties.Services(null, null, null, null, urls),
                new FabricProperties.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
        return new ServiceClients(props, BootId.generate("gateway"), boots, new ServiceGuard(Duration.ofSeconds(30)));
    }

    /** An id the hash gives to shard {@code k} of 2. */
    private static String idOnShard(int k, String prefix) {
        for (int i = 0; ; i++) {
            String id = prefix + i;
            if (DeviceShards.ownerOfId(id, 2) == k) {
                return id;
            }
        }
    }

    @Test
    void aDeviceGoesToTheShardThatListsItEvenWhereTheHashSaysOtherwise() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        String hashedTo0 = idOnShard(0, "explicit-");
        s1.devices.add(hashedTo0); // an explicit `shard: 1` in the topology
        s0.devices.add("dma0");
        ServiceClients c = clients(null);
        DeviceApi api = c.device();
        assertThat(api).isInstanceOf(ShardedDeviceApi.class);

        assertThat(api.devices()).extracting(DeviceViews.Device::id).containsExactly("dma0", hashedTo0);
        assertThat(c.deviceShards().learned()).containsEntry(hashedTo0, 1).containsEntry("dma0", 0);
        int before = s0.calls.get();
        assertThat(api.device(hashedTo0).id()).isEqualTo(hashedTo0);
        assertThat(s1.paths).contains("GET /device/v1/devices/" + hashedTo0);
        assertThat(s0.calls.get()).isEqualTo(before);
    }

    @Test
    void anIdNobodyListedIsLearnedOnFirstUseOrGoesWhereTheHashSays() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        String hashedTo0 = idOnShard(0, "x-");
        s1.devices.add(hashedTo0);
        ServiceClients c = clients(null);
        // Not listed yet: the first call asks the shards' lists, then goes to the one that has it.
        assertThat(c.device().device(hashedTo0).id()).isEqualTo(hashedTo0);
        assertThat(s1.paths).contains("GET /device/v1/devices", "GET /device/v1/devices/" + hashedTo0);
        // An id nobody has: where the hash says, with that shard's own ENODEV.
        String unknown = idOnShard(1, "nobody-");
        assertThat(c.deviceShards().shardOf(unknown)).isEqualTo(1);
        assertThatThrownBy(() -> c.device().device(unknown)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        assertThat(s0.paths).doesNotContain("GET /device/v1/devices/" + unknown);
    }

    @Test
    void aDeadShardTakesOnlyItsOwnDevicesAwayAndItsCallsAreItsOwn503() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        s0.devices.add("a0");
        s1.devices.add("b1");
        ServiceClients c = clients(null);
        DeviceShardClients routing = c.deviceShards();
        assertThat(routing.devices().devices()).hasSize(2);

        s1.stop();
        DeviceShardClients.Listing l = routing.devices();
        assertThat(l.devices()).extracting(DeviceViews.Device::id).containsExactly("a0");
        assertThat(l.unavailable()).containsExactly(1);
        assertThat(l.unavailableHeader()).isEqualTo("1");
        assertThat(c.device().devices()).extracting(DeviceViews.Device::id).containsExactly("a0");
        // What was learned of the dead shard is kept: its device's call goes there and is its 503, not shard 0's ENODEV.
        assertThatThrownBy(() -> c.device().device("b1")).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.getMessage()).contains("device-service shard 1 of 2").contains(s1.url());
        });
        assertThatThrownBy(() -> c.device().device("b1")).isInstanceOf(ErrnoException.class);
        assertThat(c.guard().breaker(routing.remote(1)).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(c.guard().breaker(routing.remote(0)).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(c.device().device("a0").id()).isEqualTo("a0");

        // Back: the breaker lets it through as soon as it answers its health.
        s1.start();
        assertThat(c.device().device("b1").id()).isEqualTo("b1");
        assertThat(routing.devices().unavailable()).isEmpty();
    }

    @Test
    void theFabricViewsPartsAreOneCallPerShardAndTeachWhereDevicesAreAsAListingDoes() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        String hashedTo0 = idOnShard(0, "explicit-");
        s0.devices.add("a0");
        s1.devices.add(hashedTo0);
        ServiceClients c = clients(null);
        DeviceShardClients routing = c.deviceShards();

        DeviceShardClients.Parts p = routing.fabricParts();

        assertThat(p.listing().devices()).extracting(DeviceViews.Device::id).containsExactly("a0", hashedTo0);
        assertThat(p.faults()).extracting(f -> f.device()).containsExactly("a0", hashedTo0);
        assertThat(routing.learned()).containsEntry(hashedTo0, 1).containsEntry("a0", 0);
        assertThat(s0.paths).containsExactly("GET /device/v1/fabric");
        assertThat(s1.paths).containsExactly("GET /device/v1/fabric");

        s1.stop();
        DeviceShardClients.Parts down = routing.fabricParts();
        assertThat(down.listing().devices()).extracting(DeviceViews.Device::id).containsExactly("a0");
        assertThat(down.listing().failures()).containsOnlyKeys(1);
        assertThat(down.faults()).extracting(f -> f.device()).containsExactly("a0");
        assertThat(routing.unavailable()).containsExactly(1);
        assertThat(routing.learned()).as("what the dead shard serves is kept").containsEntry(hashedTo0, 1);
    }

    @Test
    void aDeviceNobodyCouldListBecauseItsShardIsDownIsThatShards503NotNoSuchDevice() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        String hashedTo0 = idOnShard(0, "explicit-");
        s1.devices.add(hashedTo0); // `shard: 1` in the topology, where the hash says 0
        s0.devices.add("a0");
        s1.stop();
        ServiceClients c = clients(null); // a fresh caller (the gateway restarted while shard 1 was down)
        assertThatThrownBy(() -> c.device().device(hashedTo0)).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.getMessage()).contains("device-service shard 1 of 2").contains("did not answer the device list");
        });
        assertThat(c.device().device("a0").id()).isEqualTo("a0");
        s1.start();
        c.deviceShards().devices();
        assertThat(c.device().device(hashedTo0).id()).isEqualTo(hashedTo0);
        String nobody = idOnShard(0, "nobody-");
        assertThatThrownBy(() -> c.device().device(nobody)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }

    /**
     * A device hot-plugged on shard 1 through another service, right after this one listed the shards, where the hash
     * says shard 0: the hashed shard's ENODEV makes the caller list the shards again at once, and the call goes on.
     */
    @Test
    void aDeviceHotPluggedElsewhereSinceTheLastListingIsFoundOnItsShard() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        s0.devices.add("a0");
        ServiceClients c = clients(null);
        c.deviceShards().devices();
        String late = idOnShard(0, "late-");
        s1.devices.add(late);
        assertThat(c.device().device(late).id()).isEqualTo(late);
        assertThat(c.deviceShards().learned()).containsEntry(late, 1);
    }

    @Test
    void noShardAnsweringIsTheFirstShardsFailure() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        ServiceClients c = clients(null);
        s0.stop();
        s1.stop();
        assertThatThrownBy(() -> c.device().devices()).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.getMessage()).contains("shard 0 of 2");
        });
    }

    @Test
    void eachShardIsAPeerOfItsOwnAndOnlyItsRebootForgetsWhatItServes() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        s0.devices.add("a0");
        s1.devices.add("b1");
        PeerBoots boots = new PeerBoots("gateway");
        List<PeerReboot> reboots = new CopyOnWriteArrayList<>();
        boots.addListener(reboots::add);
        ServiceClients c = clients(boots);
        for (int i = 0; i < 3; i++) {
            c.device().device("a0");
            c.device().device("b1");
        }
        // Two boot ids, two peers: alternating calls are no reboot.
        assertThat(reboots).isEmpty();
        assertThat(boots.seen()).containsOnlyKeys("device-service-0", "device-service-1");

        s1.bootId = UUID.randomUUID().toString();
        c.device().device("b1");
        assertThat(reboots).extracting(PeerReboot::service).containsExactly("device-service-1");
        assertThat(c.deviceShards().learned()).containsOnlyKeys("a0");
    }

    @Test
    void jobsAreFoundByTheShardTheirIdNamesAndListedInSubmissionOrder() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        // Submitted alternately: shard 0 at t=1,3,5, shard 1 at t=2,4.
        s0.jobs.add(new long[]{1, 1});
        s1.jobs.add(new long[]{1, 2});
        s0.jobs.add(new long[]{2, 3});
        s1.jobs.add(new long[]{2, 4});
        s0.jobs.add(new long[]{3, 5});
        ServiceClients c = clients(null);
        DeviceApi api = c.device();
        assertThat(api.job("j1-2").jobId()).isEqualTo("j1-2");
        assertThat(s0.paths).noneMatch(p -> p.startsWith("GET /device/v1/jobs/"));
        assertThatThrownBy(() -> api.job("j0-9")).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));

        DeviceViews.JobPage all = api.jobs(null, null, null, null, null, 50);
        assertThat(all.total()).isEqualTo(5);
        assertThat(all.items()).extracting(DeviceViews.Job::jobId).containsExactly("j0-1", "j1-1", "j0-2", "j1-2", "j0-3");
        DeviceViews.JobPage newest = api.jobs(null, null, null, null, null, 2);
        assertThat(newest.items()).extracting(DeviceViews.Job::jobId).containsExactly("j1-2", "j0-3");
        assertThat(newest.page()).isEqualTo(2);
        DeviceViews.JobPage second = api.jobs(null, null, null, null, 1, 2);
        assertThat(second.items()).extracting(DeviceViews.Job::jobId).containsExactly("j0-2", "j1-2");

        s1.stop();
        DeviceShardClients.Merged<DeviceViews.JobPage> partial = c.deviceShards().jobs(null, null, null, null, null, 50);
        assertThat(partial.value().items()).extracting(DeviceViews.Job::jobId).containsExactly("j0-1", "j0-2", "j0-3");
        assertThat(partial.unavailableHeader()).isEqualTo("1");
    }

    @Test
    void aHotplugGoesToTheShardThatWillServeTheDevice() throws IOException {
        FakeShard s0 = shard(0);
        FakeShard s1 = shard(1);
        String id = idOnShard(0, "hot-");
        DeviceDescription d = new DeviceDescription(id, "pci", 0x70, null, null, null, null, null, null, null, null, 1);
        ServiceClients c = clients(null);
        assertThat(c.device().hotplug(d).getStatusCode().value()).isEqualTo(201);
        assertThat(s1.devices).containsExactly(id);
        assertThat(s0.devices).isEmpty();
        assertThat(c.deviceShards().learned()).containsEntry(id, 1);
    }

    @Test
    void withOneShardEveryCallGoesToItAsBefore() throws IOException {
        FakeShard s0 = shard(0);
        s0.devices.add("a0");
        FabricProperties props = new FabricProperties("tok", new FabricProperties.Services(null, null, s0.url(), null),
                new FabricProperties.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
        PeerBoots boots = new PeerBoots("gateway");
        ServiceClients c = new ServiceClients(props, BootId.generate("gateway"), boots);
        assertThat(c.device()).isNotInstanceOf(ShardedDeviceApi.class);
        assertThat(c.deviceShards().count()).isEqualTo(1);
        assertThat(c.device().device("a0").id()).isEqualTo("a0");
        assertThat(boots.seen()).containsOnlyKeys(BootId.DEVICE);
        assertThat(c.deviceShards().shardOfJob("j-5")).isZero();
    }
}
