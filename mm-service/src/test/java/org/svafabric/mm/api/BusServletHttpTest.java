package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerBoots;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.testing.TestHttp.Response;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.mm.bus.PhysicalMemoryBus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The bus's data path, served below Spring MVC, over real HTTP: the answers, problems and headers the MVC endpoints
 * gave, the servlet filters in front of it, and the lean client against it.
 */
class BusServletHttpTest extends HttpTestBase {
    private static final String BIN = "application/octet-stream";

    @Autowired
    PhysicalMemoryBus bus;
    @Autowired
    BootId self;
    @Autowired
    PeerBoots peers;
    @Autowired
    MeterRegistry meters;

    private static byte[] header(long pa, int length) {
        return ByteBuffer.allocate(12).putLong(pa).putInt(length).array();
    }

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void theClientReadsSeveralRangesIntoOneBufferAndWritesFromOne() {
        long pa = bus.allocKernelPages("bus-http-test", 8);
        MemoryBusClient client = busClient();
        byte[] src = filled(3 * 4096 + 10, 1);
        List<MemoryBus.Range> ranges = List.of(new MemoryBus.Range(pa + 5 * 4096 + 7, 4096), new MemoryBus.Range(pa + 4000, 2 * 4096 + 10));
        client.writeFrom(ranges, src, 0);
        assertThat(bus.read(pa + 5 * 4096 + 7, 4096)).isEqualTo(Arrays.copyOfRange(src, 0, 4096));
        assertThat(bus.read(pa + 4000, 2 * 4096 + 10)).isEqualTo(Arrays.copyOfRange(src, 4096, src.length));

        byte[] dst = new byte[src.length + 5];
        client.readInto(ranges, dst, 5);
        assertThat(Arrays.copyOfRange(dst, 5, dst.length)).isEqualTo(src);
        assertThat(client.readBatch(ranges)).satisfiesExactly(
                p -> assertThat(p).isEqualTo(Arrays.copyOfRange(src, 0, 4096)),
                p -> assertThat(p).isEqualTo(Arrays.copyOfRange(src, 4096, src.length)));
        client.writeBatch(List.of(new MemoryBus.Write(pa, new byte[] {1, 2}), new MemoryBus.Write(pa + 7 * 4096, new byte[] {3})));
        assertThat(client.read(pa, 2)).containsExactly(1, 2);
        assertThat(client.read(pa + 7 * 4096, 1)).containsExactly(3);
        client.readInto(List.of(), new byte[0], 0);
        client.writeFrom(List.of(), new byte[0], 0);
        bus.freeKernelPages("bus-http-test", pa, 8);
    }

    @Test
    void aWriteTouchingAFreeFrameIsEfaultAndLeavesRamAsItWas() {
        long pa = bus.allocKernelPages("bus-http-test", 1);
        bus.write(pa, filled(64, 2));
        long free = 0x4000_0000L + (61L << 20);
        MemoryBusClient client = busClient();
        assertThatThrownBy(() -> client.writeFrom(List.of(new MemoryBus.Range(pa, 64), new MemoryBus.Range(free, 64)), filled(128, 3), 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EFAULT);
                    assertThat(e.slug()).isEqualTo("frame-not-allocated");
                });
        assertThat(bus.read(pa, 64)).isEqualTo(filled(64, 2));
        assertThatThrownBy(() -> client.readInto(List.of(new MemoryBus.Range(pa, 8), new MemoryBus.Range(free, 8)), new byte[16], 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
        // The same connection pool goes on working after refusals that left a body unread.
        assertThat(client.read(pa, 64)).isEqualTo(filled(64, 2));
        bus.freeKernelPages("bus-http-test", pa, 1);
    }

    @Test
    void answersCarryTheBootIdAndTheStatusesOfTheMvcEndpoints() {
        long pa = bus.allocKernelPages("bus-http-test", 1);
        Response ok = send("POST", BusWire.READ_PATH, BIN, header(pa, 16));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith(BIN);
        assertThat(ok.bytes()).hasSize(16);
        assertThat(ok.headers().firstValue(BootId.HEADER)).contains(self.id());

        Response empty = send("POST", BusWire.READ_PATH, BIN, new byte[0]);
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.bytes()).isEmpty();

        Response written = send("POST", BusWire.WRITE_PATH, BIN, concat(header(pa, 3), new byte[] {4, 5, 6}));
        assertThat(written.status()).isEqualTo(204);
        assertThat(written.headers().firstValue(BootId.HEADER)).contains(self.id());
        assertThat(bus.read(pa, 3)).containsExactly(4, 5, 6);

        assertProblem(send("POST", BusWire.WRITE_PATH, BIN, concat(header(pa, 3), new byte[] {1, 1, 1}, new byte[] {0, 0})), 400, "EINVAL");
        assertThat(bus.read(pa, 3)).as("a truncated header refuses the whole batch").containsExactly(4, 5, 6);
        assertProblem(send("GET", BusWire.READ_PATH, null, null), 405, "EINVAL");
        assertProblem(send("POST", BusWire.READ_PATH, "application/json", "{}".getBytes()), 415, "EINVAL");
        assertProblem(send("POST", BusWire.WRITE_PATH, BIN, new byte[(1 << 20) + 4096]), 413, "E2BIG");
        bus.freeKernelPages("bus-http-test", pa, 1);
    }

    @Test
    void withoutTheServiceCredentialTheBusIsRefused() {
        Response r = http().withoutToken().send("POST", BusWire.READ_PATH, BIN, header(0x4000_0000L, 8));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo("EPERM");
        Response w = http().withoutToken().send("POST", BusWire.WRITE_PATH, BIN, concat(header(0x4000_0000L, 1), new byte[1]));
        assertThat(w.status()).isEqualTo(401);
    }

    @Test
    void theClientReportsBootIdsBothWaysAndTheRequestsAreObserved() {
        BootId caller = BootId.generate(BootId.IOMMU);
        PeerBoots seenByCaller = new PeerBoots(BootId.IOMMU);
        FabricProperties props = new FabricProperties(TOKEN, new FabricProperties.Services(base(), null, null, null), null);
        MemoryBusClient client = MemoryBusClient.of(new ServiceClients(props, caller, seenByCaller));
        long pa = bus.allocKernelPages("bus-http-test", 1);
        client.write(pa, new byte[] {9});
        assertThat(client.read(pa, 1)).containsExactly(9);
        assertThat(seenByCaller.seen()).containsEntry(BootId.MM, self.id());
        assertThat(peers.seen()).containsEntry(BootId.IOMMU, caller.id());
        Timer reads = meters.find("http.server.requests").tag("uri", BusWire.READ_PATH).tag("status", "200").timer();
        Timer writes = meters.find("http.server.requests").tag("uri", BusWire.WRITE_PATH).tag("status", "204").timer();
        assertThat(reads).isNotNull();
        assertThat(writes).isNotNull();
        assertThat(reads.count()).isPositive();
        bus.freeKernelPages("bus-http-test", pa, 1);
    }

    /**
     * The bus's own timers (BusTimers) stand in for the server observation: the same meter, the same tag keys as an
     * MVC path's, every request counted once (not by both), and a request the filters refuse counted too.
     */
    @Test
    void busRequestsAreTimedOnceWithTheTagsOfEveryOtherPath() {
        long pa = bus.allocKernelPages("bus-http-test", 1);
        assertThat(get("/mm/v1/processes").status()).isEqualTo(200);
        Timer mvc = meters.find("http.server.requests").tag("uri", "/mm/v1/processes").timer();
        assertThat(mvc).isNotNull();
        double readsBefore = count(BusWire.READ_PATH, "200");
        double refusedBefore = count(BusWire.READ_PATH, "401");
        for (int i = 0; i < 3; i++) {
            assertThat(send("POST", BusWire.READ_PATH, BIN, header(pa, 8)).status()).isEqualTo(200);
        }
        assertThat(http().withoutToken().send("POST", BusWire.READ_PATH, BIN, header(pa, 8)).status()).isEqualTo(401);
        assertThat(count(BusWire.READ_PATH, "200") - readsBefore).isEqualTo(3);
        assertThat(count(BusWire.READ_PATH, "401") - refusedBefore).isEqualTo(1);
        Timer read = meters.find("http.server.requests").tag("uri", BusWire.READ_PATH).tag("status", "200").timer();
        assertThat(read.getId().getTags().stream().map(t -> t.getKey()).toList())
                .containsExactlyInAnyOrderElementsOf(mvc.getId().getTags().stream().map(t -> t.getKey()).toList());
        assertThat(read.getId().getTag("outcome")).isEqualTo("SUCCESS");
        assertThat(read.getId().getTag("method")).isEqualTo("POST");
        assertThat(meters.find("http.server.requests").tag("uri", BusWire.READ_PATH).tag("status", "401").timer()
                .getId().getTag("outcome")).isEqualTo("CLIENT_ERROR");
        bus.freeKernelPages("bus-http-test", pa, 1);
    }

    private double count(String uri, String status) {
        return meters.find("http.server.requests").tag("uri", uri).tag("status", status).timers().stream()
                .mapToDouble(Timer::count).sum();
    }

    private static void assertProblem(Response r, int status, String errno) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo(errno);
        assertThat(r.json().path("type").asString()).startsWith("https://sva-fabric.dev/problems/");
        assertThat(r.json().path("detail").asString()).doesNotContain("Exception");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
