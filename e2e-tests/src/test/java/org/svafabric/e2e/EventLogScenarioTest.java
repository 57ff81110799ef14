package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * The event log as a user reads it: the newest events last on the default page, ids that never
 * collide between services, Link headers that keep the filters, counters that count, a live
 * stream that replays only from Last-Event-ID, and the CPU side's and the device's events
 * attributed to the process, so that its owner sees them.
 */
@ExtendWith(FabricExtension.class)
class EventLogScenarioTest {
    private final Fabric fabric;
    private final Story s;
    private final Api admin;

    EventLogScenarioTest(Fabric fabric) {
        this.fabric = fabric;
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
        this.admin = s.api().as(Fabric.ADMIN_TOKEN);
    }

    @Test
    void theDefaultPageEndsWithTheNewestEventAndIdsNeverCollide() {
        long pid = s.process("newest");
        long addr = s.mmap(pid, 4 * Story.PAGE, "rw");
        HttpResponse<byte[]> r = admin.getRaw("/events?size=50");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode page = Api.json(r.body());
        JsonNode last = page.get(page.size() - 1);
        assertThat(last.path("type").asString()).isEqualTo("MMAP");
        assertThat(last.path("pid").asLong()).isEqualTo(pid);
        assertThat(last.path("addr").asString()).isEqualTo(Story.hex(addr));
        assertThat(Long.parseLong(r.headers().firstValue("X-Total-Count").orElseThrow())).isGreaterThanOrEqualTo(page.size());

        JsonNode all = admin.get("/events?size=1000").json();
        Set<String> ids = new HashSet<>();
        Set<String> services = new HashSet<>();
        for (JsonNode e : all) {
            String id = e.path("id").asString();
            assertThat(ids.add(id)).as("id %s is unique", id).isTrue();
            assertThat(id).isEqualTo(e.path("service").asString() + ":" + e.path("seq").asLong());
            services.add(e.path("service").asString());
        }
        assertThat(services).contains("mm-service");
    }

    @Test
    void linkHeadersKeepTheFilters() {
        long pid = s.process("links");
        for (int i = 0; i < 3; i++) {
            s.mmap(pid, Story.PAGE, "r");
        }
        HttpResponse<byte[]> r = s.api().getRaw("/events?type=MMAP&pid=" + pid + "&page=0&size=1");
        assertThat(Api.json(r.body()).size()).isEqualTo(1);
        assertThat(r.headers().firstValue("X-Total-Count")).hasValue("3");
        String link = r.headers().firstValue("Link").orElseThrow();
        assertThat(link).contains("rel=\"next\"").contains("page=1").contains("type=MMAP").contains("pid=" + pid).contains("size=1");
        String next = link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        assertThat(next).startsWith("/api/v1/events?");
        JsonNode second = s.api().get(next.substring("/api/v1".length())).json();
        assertThat(second.get(0).path("type").asString()).isEqualTo("MMAP");
        assertThat(second.get(0).path("pid").asLong()).isEqualTo(pid);
    }

    @Test
    void eventsAreCountedInPrometheus() {
        long pid = s.process("counted");
        s.mmap(pid, Story.PAGE, "rw");
        String metrics = new Api(fabric.url("mm"), null).withServiceToken(Fabric.SERVICE_TOKEN).get("/actuator/prometheus").text();
        double mmaps = metrics.lines().filter(l -> l.startsWith("fabric_events_total{") && l.contains("type=\"MMAP\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(mmaps).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theCpuSidesEventsAreLoggedForTheOwnerOnly() {
        long pid = s.process("cpu-side");
        long addr = s.mmap(pid, 8 * Story.PAGE, "rw");
        s.write(pid, addr, new byte[2 * Story.PAGE]);
        assertThat(s.api().post("/processes/" + pid + "/reclaim", Map.of("addr", Story.hex(addr), "length", 2 * Story.PAGE)).status())
                .isEqualTo(200);
        assertThat(s.api().post("/processes/" + pid + "/mprotect", Map.of("addr", Story.hex(addr), "length", Story.PAGE, "prot", "r"))
                .status()).isEqualTo(204);
        assertThat(s.api().post("/processes/" + pid + "/munmap", Map.of("addr", Story.hex(addr + 4 * Story.PAGE), "length", Story.PAGE))
                .status()).isEqualTo(204);
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);

        List<String> types = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            types.clear();
            s.api().get("/events?pid=" + pid + "&size=1000").json().forEach(e -> {
                if (e.path("service").asString().equals("mm-service")) {
                    types.add(e.path("type").asString());
                }
            });
            assertThat(types).contains("PROCESS_CREATE", "MMAP", "SWAP_OUT", "MPROTECT", "MUNMAP", "PROCESS_EXIT");
        });
        assertThat(types.indexOf("PROCESS_CREATE")).isLessThan(types.indexOf("MMAP"));
        assertThat(types.get(types.size() - 1)).isEqualTo("PROCESS_EXIT");
        assertThat(s.api().as(Fabric.OTHER_USER_TOKEN).get("/events?pid=" + pid).json().size()).isZero();
    }

    @Test
    void theDevicesEventsCarryThePidSoTheOwnerSeesThem() {
        long pid = s.process("device-side");
        long buf = s.mmap(pid, 16 * Story.PAGE, "rw");
        s.svaInit(Story.SVA_DEV2);
        int pasid = s.bind(Story.SVA_DEV2, pid);
        s.completed(Story.SVA_DEV2, Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", 16 * Story.PAGE, "value", 7));

        JsonNode mine = s.api().get("/events?pid=" + pid + "&size=1000").json();
        List<String> deviceTypes = new ArrayList<>();
        List<String> mmTypes = new ArrayList<>();
        for (JsonNode e : mine) {
            assertThat(e.path("pid").asLong()).isEqualTo(pid);
            if (e.path("service").asString().equals("device-service")) {
                deviceTypes.add(e.path("type").asString());
            } else if (e.path("service").asString().equals("mm-service")) {
                mmTypes.add(e.path("type").asString());
            }
        }
        assertThat(deviceTypes).contains("PRI_REQUEST", "PRI_RESPONSE");
        assertThat(mmTypes).contains("MM_FAULT");
        assertThat(s.api().post("/devices/" + Story.SVA_DEV2 + "/jobs",
                Map.of("op", "memset", "pasid", pasid, "dst", Story.hex(buf), "length", 4096, "value", 1, "pid", 1)).status())
                .as("a caller cannot name the job's process").isEqualTo(400);
        s.api().delete("/devices/" + Story.SVA_DEV2 + "/sva/bonds/" + pasid);
    }

    @Test
    void aNewStreamReplaysNothingAndLastEventIdResumesWhereTheClientLeft() throws Exception {
        long pid = s.process("stream");
        for (int i = 0; i < 5; i++) {
            s.mmap(pid, Story.PAGE, "rw"); // history the stream must not replay
        }
        try (Sse first = new Sse(s.api().stream("/events/stream?pid=" + pid))) {
            first.awaitOpen();
            long fresh = s.mmap(pid, 2 * Story.PAGE, "rw");
            Sse.Event e = first.next();
            assertThat(e.data().path("type").asString()).as("the first event is the new one, not history").isEqualTo("MMAP");
            assertThat(e.data().path("addr").asString()).isEqualTo(Story.hex(fresh));
            String resumeAfter = e.id();

            long later = s.mmap(pid, 3 * Story.PAGE, "rw");
            assertThat(first.next().data().path("addr").asString()).isEqualTo(Story.hex(later));
            first.close();

            long whileAway = s.mmap(pid, 4 * Story.PAGE, "rw");
            try (Sse again = new Sse(s.api().stream("/events/stream?pid=" + pid, "Last-Event-ID", resumeAfter))) {
                assertThat(again.next().data().path("addr").asString()).as("replay resumes after the last seen").isEqualTo(Story.hex(later));
                assertThat(again.next().data().path("addr").asString()).isEqualTo(Story.hex(whileAway));
            }
        }
    }

    /** A Server-Sent Events client: a daemon thread parses events into a queue; every wait is bounded. */
    static final class Sse implements AutoCloseable {
        record Event(String id, String name, JsonNode data) {
        }

        private final InputStream in;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private volatile boolean open;

        Sse(HttpResponse<InputStream> r) {
            assertThat(r.statusCode()).isEqualTo(200);
            this.in = r.body();
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String id = null;
                String name = null;
                StringBuilder data = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith(":")) {
                        open = true;
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    } else if (line.isEmpty() && !data.isEmpty()) {
                        events.add(new Event(id, name, Api.json(data.toString().getBytes(StandardCharsets.UTF_8))));
                        data.setLength(0);
                    }
                }
            } catch (IOException closed) {
                // the test closed the stream
            }
        }

        void awaitOpen() {
            await().atMost(Duration.ofSeconds(10)).until(() -> open);
        }

        Event next() throws InterruptedException {
            Event e = events.poll(15, TimeUnit.SECONDS);
            assertThat(e).as("an event within 15 s").isNotNull();
            return e;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
