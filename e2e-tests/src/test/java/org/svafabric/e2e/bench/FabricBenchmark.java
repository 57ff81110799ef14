package org.svafabric.e2e.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.svafabric.e2e.Api;
import org.svafabric.e2e.Fabric;

import tools.jackson.databind.JsonNode;

/**
 * The fabric's DMA and control paths through the gateway, in one run of the four services in this
 * JVM (random loopback ports, real HTTP between them):
 * <ol>
 * <li>the gateway's own overhead: a trivial call (actuator health) next to GET /devices;</li>
 * <li>bind + unbind of a process (iommu_sva_bind_device / iommu_sva_unbind_device);</li>
 * <li>MEMCPY throughput, warm (every page present, translations cached) and cold (every destination
 * page faults through PRI), from 4 KiB up, with the cost per page;</li>
 * <li>page-request group round trips, read from the event log: at the device (PRI request sent to
 * PRG response received) and in the IOMMU (group's last request in the PRI queue to CMD_PRI_RESP).</li>
 * </ol>
 * Run: {@code ./mvnw -q -pl e2e-tests -am install -DskipTests && ./mvnw -q -pl e2e-tests exec:java -Dbench=FabricBenchmark}
 * ({@code -Dcold.max=8388608 -Dwarm.max=67108864} bound the sizes).
 */
public final class FabricBenchmark {
    private static final String DEV = "0000:01:00.0";

    public static void main(String[] args) throws Exception {
        long coldMax = Long.getLong("cold.max", 8L << 20);
        long warmMax = Long.getLong("warm.max", 64L << 20);
        try (Fabric fabric = Fabric.start(Map.of("logging.level.root", "ERROR"))) {
            Api api = new Api(fabric.gateway(), Fabric.ADMIN_TOKEN);
            Api root = new Api(fabric.url("gateway"), null);
            gatewayOverhead(api, root);
            bindUnbind(api);
            memcpy(api, coldMax, warmMax);
        }
    }

    private static void gatewayOverhead(Api api, Api root) {
        System.out.println("\n## Gateway overhead (sequential requests, one client)");
        System.out.printf("%-36s %8s %10s %10s %10s%n", "call", "n", "req/s", "p50 ms", "p99 ms");
        timeCalls("GET /actuator/health (trivial)", 3000, () -> check(root.get("/actuator/health"), 200));
        timeCalls("GET /api/v1/devices", 1000, () -> check(api.get("/devices"), 200));
    }

    private static void bindUnbind(Api api) {
        System.out.println("\n## Bind + unbind through the gateway");
        System.out.printf("%-36s %8s %10s %10s %10s%n", "call", "n", "pairs/s", "p50 ms", "p99 ms");
        long pid = api.post("/processes", Map.of("name", "binder", "uid", 1000)).json().path("pid").asLong();
        api.post("/devices/" + DEV + "/sva", Map.of("features", List.of("IOPF"), "maxPasid", 0));
        timeCalls("bind + unbind (same process)", 300, () -> {
            Api.Response b = check(api.post("/devices/" + DEV + "/sva/bonds", Map.of("pid", pid)), 201);
            check(api.delete("/devices/" + DEV + "/sva/bonds/" + b.json().path("pasid").asInt()), 204);
        });
    }

    private static void memcpy(Api api, long coldMax, long warmMax) throws Exception {
        System.out.println("\n## MEMCPY through a PASID (device " + DEV + ", 4 KiB pages)");
        System.out.printf("%-10s %-5s %12s %12s %14s %10s %8s%n", "size", "mode", "latency ms", "MB/s", "us per page", "page reqs", "groups");
        List<Long> deviceRoundTrips = new ArrayList<>();
        List<Long> iommuRoundTrips = new ArrayList<>();
        for (long size = 4096; size <= warmMax; size *= 4) {
            long pid = api.post("/processes", Map.of("name", "memcpy-" + size, "uid", 1000)).json().path("pid").asLong();
            long src = Long.decode(api.post("/processes/" + pid + "/mmap", Map.of("length", size, "prot", "rw")).json().path("addr").asString());
            long dst = Long.decode(api.post("/processes/" + pid + "/mmap", Map.of("length", size, "prot", "rw")).json().path("addr").asString());
            int pasid = check(api.post("/devices/" + DEV + "/sva/bonds", Map.of("pid", pid)), 201).json().path("pasid").asInt();
            byte[] fill = new byte[(int) Math.min(size, 64L << 20)];
            Arrays.fill(fill, (byte) 7);
            check(api.putBytes("/processes/" + pid + "/memory?addr=0x" + Long.toHexString(src), fill), 204);
            Map<String, Object> job = Map.of("op", "memcpy", "pasid", pasid, "src", "0x" + Long.toHexString(src),
                    "dst", "0x" + Long.toHexString(dst), "length", size);
            if (size <= coldMax) {
                Instant from = Instant.now();
                report(size, "cold", run(api, job));
                collectRoundTrips(api, pasid, from, deviceRoundTrips, iommuRoundTrips);
            } else {
                // Too slow to fault every page at this size here: make the destination resident first.
                check(api.putBytes("/processes/" + pid + "/memory?addr=0x" + Long.toHexString(dst), fill), 204);
            }
            run(api, job);
            report(size, "warm", run(api, job));
            check(api.delete("/devices/" + DEV + "/sva/bonds/" + pasid), 204);
            check(api.delete("/processes/" + pid), 202);
        }
        System.out.println("\n## Page-request group round trips (cold runs above)");
        System.out.printf("%-60s %8s %8s %8s %8s%n", "measured between", "groups", "p50 ms", "p90 ms", "p99 ms");
        percentiles("device: Page Request sent -> PRG Response received", deviceRoundTrips);
        percentiles("iommu: last request in the PRI queue -> CMD_PRI_RESP sent", iommuRoundTrips);
    }

    private static JsonNode run(Api api, Map<String, Object> job) {
        JsonNode r = check(api.post("/devices/" + DEV + "/jobs?wait=true", job), 200).json();
        if (!"COMPLETED".equals(r.path("status").asString())) {
            throw new IllegalStateException("job did not complete: " + r);
        }
        return r;
    }

    private static void report(long size, String mode, JsonNode r) {
        double ms = r.path("latencyMicros").asLong() / 1000.0;
        long pages = size / 4096;
        System.out.printf("%-10s %-5s %12.1f %12.1f %14.1f %10d %8d%n", human(size), mode, ms, size / 1e6 / (ms / 1e3),
                ms * 1000 / pages, r.path("faults").path("pageRequests").asLong(), r.path("faults").path("groups").asLong());
    }

    /** Pairs each group's request with its response by PRG index, in the device's and the IOMMU's event logs. */
    private static void collectRoundTrips(Api api, int pasid, Instant since, List<Long> device, List<Long> iommu) {
        JsonNode events = api.get("/events?pasid=" + pasid + "&since=" + since + "&size=1000").json();
        Map<String, Instant> open = new HashMap<>();
        for (JsonNode e : events) {
            String svc = e.path("service").asString();
            String detail = e.path("detail").asString();
            String type = e.path("type").asString();
            Instant t = Instant.parse(e.path("time").asString());
            String prg = prgOf(detail);
            if (prg == null) {
                continue;
            }
            String key = svc + "/" + prg;
            boolean iommuSide = svc.startsWith("iommu");
            if (type.equals("PRI_REQUEST") && (!iommuSide || detail.contains(" last"))) {
                open.put(key, t);
            } else if (type.equals("PRI_RESPONSE") && open.containsKey(key)) {
                long micros = Duration.between(open.remove(key), t).toNanos() / 1000;
                (iommuSide ? iommu : device).add(micros);
            }
        }
    }

    private static String prgOf(String detail) {
        String d = detail.toLowerCase();
        int i = d.indexOf("prg ");
        if (i < 0) {
            return null;
        }
        String rest = d.substring(i + 4).replaceAll("[^0-9].*$", "");
        return rest.isEmpty() ? null : rest;
    }

    private static void percentiles(String name, List<Long> micros) {
        if (micros.isEmpty()) {
            System.out.printf("%-60s %8d%n", name, 0);
            return;
        }
        long[] v = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%-60s %8d %8.1f %8.1f %8.1f%n", name, v.length, pct(v, 50) / 1000.0, pct(v, 90) / 1000.0, pct(v, 99) / 1000.0);
    }

    private static long pct(long[] sorted, int p) {
        return PerfBenchmark.pct(sorted, p);
    }

    private static void timeCalls(String name, int n, Runnable call) {
        PerfBenchmark.Calls c = PerfBenchmark.timeCalls(n, call);
        System.out.printf("%-36s %8d %10.0f %10.2f %10.2f%n", name, n, c.rps(), c.p50Ms(), c.p99Ms());
    }

    private static Api.Response check(Api.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ": " + r);
        }
        return r;
    }

    private static String human(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private FabricBenchmark() {
    }
}
