package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.testing.TestHttp.Response;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;

/**
 * MMU notifiers against a real HTTP subscriber that behaves like the SMMU driver: it walks the
 * process's page tables over the memory bus (as its table walker would), caches the PA, and
 * on invalidate_range reads that frame over the bus before it acknowledges.
 */
class MmuNotifierHttpTest extends HttpTestBase {
    /** What the subscriber does when a callback arrives. */
    interface Behaviour {
        int handle(String path, JsonNode body) throws Exception;
    }

    private HttpServer subscriber;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicReference<Behaviour> behaviour = new AtomicReference<>((p, b) -> 204);
    private final AtomicReference<String> tokenSeen = new AtomicReference<>();
    private MemoryBusClient bus;

    @BeforeEach
    void startSubscriber() throws IOException {
        subscriber = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        subscriber.setExecutor(Executors.newCachedThreadPool());
        subscriber.createContext("/smmu", this::callback);
        subscriber.start();
        bus = busClient();
    }

    @AfterEach
    void stopSubscriber() {
        subscriber.stop(0);
    }

    private void callback(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring("/smmu".length());
        tokenSeen.set(ex.getRequestHeaders().getFirst("X-Fabric-Service-Token"));
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        calls.add(path + " " + body);
        int status;
        try {
            status = behaviour.get().handle(path, body);
        } catch (Exception e) {
            status = 599;
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    private String callbackUrl() {
        return "http://127.0.0.1:" + subscriber.getAddress().getPort() + "/smmu";
    }

    private long subscribe(long pid, boolean btm) {
        Response r = post("/mm/v1/processes/" + pid + "/notifiers", "{\"callbackUrl\":\"" + callbackUrl() + "\",\"btm\":" + btm + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    /** The SMMU's view: a walk of the process's tables over the memory bus. */
    private long walkOverBus(long pgd, long va) {
        long table = pgd;
        for (int level = 0; level < 3; level++) {
            long d = bus.read64(table + Vmsa.index(va, level) * 8L);
            assertThat(Pte.isTable(d, level)).isTrue();
            table = Pte.nextTable(d);
        }
        long d = bus.read64(table + Vmsa.index(va, 3) * 8L);
        assertThat(Pte.isValid(d)).isTrue();
        return Pte.outputAddress(d);
    }

    private long pgdOf(long pid) {
        return Long.decode(get("/mm/v1/processes/" + pid).json().path("pgd").asString());
    }

    @Test
    void subscriberSeesTheOldBytesDuringInvalidateAndTheFrameIsFreedOnlyAfterItsAck() {
        long pid = createProcess();
        long va = mmap(pid, 4096, "rw");
        byte[] pattern = "bytes a device may still DMA".getBytes();
        assertThat(putBytes("/mm/v1/processes/" + pid + "/memory?addr=0x" + Long.toHexString(va), pattern).status()).isEqualTo(204);
        long pa = walkOverBus(pgdOf(pid), va);
        subscribe(pid, false);

        AtomicReference<byte[]> seen = new AtomicReference<>();
        AtomicReference<Long> kernelPage = new AtomicReference<>();
        behaviour.set((path, body) -> {
            if (path.equals("/invalidate-range")) {
                Thread.sleep(150);
                seen.set(bus.read(pa, pattern.length));
                // The frame is still the process's: a new allocation cannot get it.
                long k = bus.allocKernelPages("notifier-test", 1);
                kernelPage.set(k);
                bus.freeKernelPages("notifier-test", k, 1);
            }
            return 204;
        });

        Response r = post("/mm/v1/processes/" + pid + "/munmap", "{\"addr\":" + va + ",\"length\":4096}");

        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        assertThat(seen.get()).isEqualTo(pattern);
        assertThat(kernelPage.get()).isNotEqualTo(pa);
        assertThat(calls).anyMatch(c -> c.startsWith("/invalidate-range") && c.contains("\"reason\":\"munmap\"")
                && c.contains("\"start\":\"0x" + Long.toHexString(va) + "\""));
        assertThat(tokenSeen.get()).isEqualTo(TOKEN);
        // After the acknowledgement the frame went back to the allocator: the bus refuses it.
        try {
            bus.read(pa, 8);
            throw new AssertionError("read of a freed frame succeeded");
        } catch (ErrnoException e) {
            assertThat(e.errno().name()).isEqualTo("EFAULT");
        }
    }

    @Test
    void aSubscriberThatDoesNotAnswerInTimeFailsMunmapCleanlyAndFreesNothing() {
        long pid = createProcess();
        long va = mmap(pid, 8192, "rw");
        String addr = "0x" + Long.toHexString(va);
        byte[] pattern = new byte[8192];
        java.util.Arrays.fill(pattern, (byte) 0x5a);
        putBytes("/mm/v1/processes/" + pid + "/memory?addr=" + addr, pattern);
        long pa = walkOverBus(pgdOf(pid), va);
        long id = subscribe(pid, false);
        long freeBefore = get("/mm/v1/ram").json().path("freeFrames").asLong();
        behaviour.set((path, body) -> {
            Thread.sleep(3000);
            return 204;
        });

        long t0 = System.nanoTime();
        Response r = post("/mm/v1/processes/" + pid + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":8192}");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.status()).as(r.toString()).isEqualTo(504);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo("ETIMEDOUT");
        assertThat(r.json().path("type").asString()).endsWith("/notifier-timeout");
        assertThat(tookMs).as("bounded by the notifier timeout, not by the subscriber").isLessThan(3000);
        // Nothing changed: the mapping, the bytes, the frame, the free count.
        assertThat(get("/mm/v1/ram").json().path("freeFrames").asLong()).isEqualTo(freeBefore);
        assertThat(bus.read(pa, 16)).containsOnly((byte) 0x5a);
        assertThat(walkOverBus(pgdOf(pid), va)).isEqualTo(pa);
        assertThat(get("/mm/v1/processes/" + pid).json().path("vmas").get(0).path("length").asLong()).isEqualTo(8192);
        behaviour.set((path, body) -> 204);
        assertThat(get("/mm/v1/processes/" + pid + "/memory?addr=" + addr + "&length=8192").bytes()).isEqualTo(pattern);

        // A subscriber that refuses is as clean a failure (EBUSY); once it is gone munmap proceeds.
        behaviour.set((path, body) -> 500);
        Response refused = post("/mm/v1/processes/" + pid + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":8192}");
        assertThat(refused.json().path("errno").asString()).isEqualTo("EBUSY");
        assertThat(delete("/mm/v1/processes/" + pid + "/notifiers/" + id).status()).isEqualTo(204);
        assertThat(post("/mm/v1/processes/" + pid + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":8192}").status()).isEqualTo(204);
    }

    @Test
    void exitWaitsForReleaseAndAHangingSubscriberLeavesTheProcessExiting() {
        long pid = createProcess();
        long va = mmap(pid, 4096, "rw");
        putBytes("/mm/v1/processes/" + pid + "/memory?addr=0x" + Long.toHexString(va), new byte[] {1});
        long id = subscribe(pid, false);
        behaviour.set((path, body) -> {
            Thread.sleep(3000);
            return 204;
        });
        Response hung = delete("/mm/v1/processes/" + pid);
        assertThat(hung.status()).as(hung.toString()).isEqualTo(504);
        assertThat(get("/mm/v1/processes/" + pid).json().path("state").asString()).isEqualTo("EXITING");
        assertThat(get("/mm/v1/processes/" + pid).json().path("residentPages").asLong()).as("nothing freed").isEqualTo(1);
        assertThat(post("/mm/v1/processes/" + pid + "/mmap", "{\"length\":4096}").status()).as("an exiting process maps nothing").isEqualTo(404);

        behaviour.set((path, body) -> 204);
        calls.clear();
        Response exit = delete("/mm/v1/processes/" + pid);
        assertThat(exit.status()).isEqualTo(202);
        assertThat(exit.json().path("state").asString()).isEqualTo("EXITED");
        assertThat(calls).singleElement().asString().startsWith("/release").contains("\"pid\":" + pid);
        assertThat(delete("/mm/v1/processes/" + pid + "/notifiers/" + id).status()).as("release dropped the subscription").isEqualTo(404);
    }

    /**
     * A subscriber's release waits for the bound devices' mm_exit handlers, which wait for DMA in flight to stop: it
     * may take longer than invalidate_range may (500 ms here), and the exit still completes within the release
     * timeout (2 s here). It used to be bounded by invalidate_range's timeout and answered 504, the process EXITING.
     */
    @Test
    void aReleaseLongerThanInvalidateRangeMayTakeStillCompletesTheExit() {
        long pid = createProcess();
        long va = mmap(pid, 4096, "rw");
        putBytes("/mm/v1/processes/" + pid + "/memory?addr=0x" + Long.toHexString(va), new byte[] {1});
        subscribe(pid, false);
        behaviour.set((path, body) -> {
            if (path.equals("/release")) {
                Thread.sleep(1200);
            }
            return 204;
        });

        Response exit = delete("/mm/v1/processes/" + pid);

        assertThat(exit.status()).as(exit.toString()).isEqualTo(202);
        assertThat(exit.json().path("state").asString()).isEqualTo("EXITED");
        assertThat(get("/mm/v1/processes/" + pid).json().path("residentPages").asLong()).as("exit_mmap ran").isZero();
    }

    @Test
    void btmSubscriberGetsTheTlbiThenInvalidateRangeForItsAtcs() {
        long pid = createProcess();
        long va = mmap(pid, 4096 * 3, "rw");
        putBytes("/mm/v1/processes/" + pid + "/memory?addr=0x" + Long.toHexString(va), new byte[4096 * 3]);
        subscribe(pid, true);
        int asid = get("/mm/v1/processes/" + pid).json().path("asid").asInt();
        calls.clear();

        assertThat(post("/mm/v1/processes/" + pid + "/mprotect", "{\"addr\":" + va + ",\"length\":12288,\"prot\":\"r\"}").status()).isEqualTo(204);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).startsWith("/tlbi").contains("\"asid\":" + asid).contains("\"va\":\"0x" + Long.toHexString(va) + "\"")
                .contains("\"pages\":3");
        assertThat(calls.get(1)).startsWith("/invalidate-range").contains("\"btm\":true").contains("\"reason\":\"mprotect\"");

        calls.clear();
        assertThat(post("/mm/v1/processes/" + pid + "/mprotect", "{\"addr\":" + va + ",\"length\":12288,\"prot\":\"rw\"}").status()).isEqualTo(204);
        assertThat(calls).as("gaining a permission needs no invalidation").isEmpty();
    }
}
