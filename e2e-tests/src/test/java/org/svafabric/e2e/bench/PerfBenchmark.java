package org.svafabric.e2e.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.json.Addr;
import org.svafabric.api.threads.CommonPool;
import org.svafabric.api.wire.AtsLinkCodec;
import org.svafabric.e2e.Api;
import org.svafabric.e2e.Fabric;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10's table in one run: the fabric's DMA, fault and control paths through the gateway, each
 * next to the transport floor measured in the same JVM and the same minute ({@link FloorServer}: a
 * bare Spring Boot app on loopback with the services' own HTTP client), printed as ratios.
 *
 * <p>Boots the four services in this JVM (random loopback ports, real HTTP between them). Run:
 * <pre>
 * ./mvnw -q -pl e2e-tests -am install -DskipTests
 * ./mvnw -q -pl e2e-tests exec:java -Dbench=PerfBenchmark [-Dwarm.max=268435456] [-Druns=3]
 * </pre>
 * {@code warm.max} is the largest warm memcpy of the per-page row (64 MiB by default; 1 GiB needs
 * {@code MAVEN_OPTS=-Xmx8g}: RAM lives in this JVM's heap).
 */
public final class PerfBenchmark {
    private static final String SVA_A = "0000:01:00.0";
    private static final String SVA_B = "0000:02:00.0";
    private static final int MIB = 1 << 20;
    /** Untimed runs before a timed row ({@code -Dwarmup=}). */
    private static final int WARMUP = Integer.getInteger("warmup", 3);

    private final Fabric fabric;
    private final Api api;
    private final Api floor;
    private final int runs;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    /** Requests one bind + unbind pair takes in all, counted by the services (0: not measured). */
    private double bindChain;
    /**
     * The requests of one page-request group's round trip, one after the other: the Page Request POST, the SMMU's
     * PRI queue write, the driver's PRI queue read, handle_mm_fault, the CMD_PRI_RESP write, the SMMU's command
     * fetch and the PRG Response POST.
     */
    private static final int PRG_CHAIN = 7;
    /** The fabric's PRG round trip, p50 ms: under the cold row's load, and of a one-page group alone (NaN: not run). */
    private double prgP50Ms = Double.NaN;
    private double prgAloneMs = Double.NaN;
    /** The per-page row's pass: a one-page job's p50 (ms) and each size's cost per page net of it (us). */
    private double oneJobMs = Double.NaN;
    private double jobAgainstFloor = Double.NaN;
    private Map<Long, Double> netUsPerPage = Map.of();
    /** Pages of the group measured alone ({@code -Dprg.alone.pages}, 1 by default). */
    private static final int ALONE_PAGES = Integer.getInteger("prg.alone.pages", 1);
    /** The one-page memcpy the job's floor ({@code /floor/job}) is asked for. */
    private static final Map<String, Object> BARE_ONE_PAGE_JOB = Map.of("op", "memcpy", "pasid", 1, "src", "0x7f0000000000",
            "dst", "0x7f0000001000", "length", 4096);

    private PerfBenchmark(Fabric fabric, Api api, Api floor, int runs) {
        this.fabric = fabric;
        this.api = api;
        this.floor = floor;
        this.runs = runs;
    }

    /** One line of the table: the fabric's figure, the floor's, and the goal it is held to. */
    private record Row(String path, String unit, double now, FloorOf floor, String floorName, String goal, Goal met) {
    }

    /** Which floor figure a row is a ratio to (null: an absolute goal only). */
    private interface FloorOf {
        double of(Floor f);
    }

    private interface Goal {
        boolean met(double now, double ratio);
    }

    public static void main(String[] args) throws Exception {
        CommonPool.ensureParallel();
        long warmMax = Long.getLong("warm.max", 64L * MIB);
        int runs = Integer.getInteger("runs", 3);
        Map<String, String> props = new LinkedHashMap<>(Map.of("logging.level.root", "ERROR", "spring.main.banner-mode", "off",
                "device.max-job-bytes", String.valueOf(Math.max(warmMax, 64L * MIB)),
                "mm.ram.size", Math.max(1024, (warmMax * 5 / 2) / MIB) + "MB",
                "mm.access.max-length", "64MB"));
        // -Dfabric.device.segment-bytes=524288 and the like: a service property for this run (what-if measurements).
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("fabric.") && !k.startsWith("fabric.bench"))
                .forEach(k -> props.put(k.substring("fabric.".length()), System.getProperty(k)));
        try (FloorServer.Running bare = FloorServer.start(); Fabric fabric = Fabric.start(props)) {
            PerfBenchmark b = new PerfBenchmark(fabric, new Api(fabric.gateway(), Fabric.ADMIN_TOKEN), new Api(bare.url(), null), runs);
            b.run(warmMax);
        }
    }

    private void run(long warmMax) throws Exception {
        System.out.println("# PerfBenchmark: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        if (!CommonPool.isParallel()) {
            System.out.println("# warning: the common pool has parallelism 1 (set -D" + CommonPool.PARALLELISM
                    + "=2 before the JVM starts, as docs/perf.sh does): every HTTP call starts a thread");
        }
        // The floor before and after the fabric's rows, the faster of the two kept: the JIT has warmed by the end,
        // and a ratio to the faster floor never flatters the fabric.
        giveFloorTheViewsBodies();
        Floor f = measureFloor();
        Setup s = setup();
        if (wanted("warm")) {
            warmMemcpy(s);
        }
        if (wanted("cold")) {
            coldMemcpy(s);
        }
        if (wanted("control")) {
            controlPaths();
        }
        if (wanted("perpage")) {
            // As the control rows: a steady state. The first pass is the job path's first few hundred calls at each
            // size, still being compiled (three passes in one JVM measured 0.59-1.00x, 0.77-1.00x, 0.95-1.00x).
            for (int pass = Integer.getInteger("perpage.warmup-passes", 1); pass > 0; pass--) {
                perPage(s, warmMax, false);
            }
            for (int pass = Integer.getInteger("perpage.passes", 1); pass > 0; pass--) {
                perPage(s, warmMax, true);
            }
        }
        if (wanted("concurrent")) {
            concurrentCold(s);
        }
        teardown(s);
        Floor end = measureFloor();
        System.out.printf("%nfloor (bare Spring Boot on loopback), start / end of the run: 64 MiB POST %.0f / %.0f MB/s; "
                        + "trivial GET %.0f / %.0f req/s (p50 %.3f / %.3f ms); 3 nested hops %.0f / %.0f req/s (p50 %.3f / %.3f ms); "
                        + "64 MiB copied in %d KiB segments (a read and a write each, nested) %.0f / %.0f MB/s%n",
                f.postMBps, end.postMBps, f.pingRps, end.pingRps, f.pingP50Ms, end.pingP50Ms, f.hop3Rps, end.hop3Rps,
                f.hop3P50Ms, end.hop3P50Ms, SEGMENT / 1024, f.copyMBps, end.copyMBps);
        System.out.printf("  GET /fabric's shape (one request asking three at once, with the fabric's bodies), start / end: "
                + "%.0f / %.0f req/s (p50 %.3f / %.3f ms)%n", f.viewRps, end.viewRps, f.viewP50Ms, end.viewP50Ms);
        System.out.printf("  a PRG round trip as seven bare requests with the fabric's bodies, start / end: %d pages p50 %.3f / %.3f ms; "
                + "%d page(s) p50 %.3f / %.3f ms%n", PRG_PAGES, f.prgP50Ms, end.prgP50Ms, ALONE_PAGES, f.prgAloneP50Ms, end.prgAloneP50Ms);
        Floor best = f.best(end);
        print(best);
        printChains(best);
    }

    /**
     * The rows whose requests follow one another by the architecture (each waits for the previous answer), priced at
     * the floor's trivial request: what the row could reach if the fabric's work cost nothing.
     */
    private void printChains(Floor f) {
        System.out.printf("%nrequest chains at the floor's trivial GET (p50 %.3f ms):%n", f.pingP50Ms);
        System.out.printf("  a PRG round trip is %d requests in sequence: %.2f ms at the floor (%.1fx the 3-hop floor's p50)%n",
                PRG_CHAIN, PRG_CHAIN * f.pingP50Ms, PRG_CHAIN * f.pingP50Ms / f.hop3P50Ms);
        // Measured, not multiplied: the seven requests with the fabric's bodies on the bare app (FloorServer.PrgChain).
        System.out.printf("  the same %d requests measured on the bare app with the fabric's bodies: %d pages p50 %.2f ms "
                        + "(%.1fx the 3-hop floor), %d page(s) %.2f ms (%.1fx)%n", PRG_CHAIN, PRG_PAGES, f.prgP50Ms,
                f.prgP50Ms / f.hop3P50Ms, ALONE_PAGES, f.prgAloneP50Ms, f.prgAloneP50Ms / f.hop3P50Ms);
        System.out.printf("    so at zero work beyond a bare app's, the cold row could reach %d pages / %.2f ms = %.0f pages/s "
                + "(one group in flight: it holds the whole PRI allocation)%n", PRG_PAGES, f.prgP50Ms, PRG_PAGES / f.prgP50Ms * 1000);
        System.out.printf("    with a group's data (%d pages read and written) and an ATS request moving beside each chain: p50 %.2f ms (%.1fx the 3-hop floor)%n",
                PRG_PAGES, f.prgBesideP50Ms, f.prgBesideP50Ms / f.hop3P50Ms);
        System.out.printf("  the same %d requests on the threads a group passes in the fabric (PRIQ interrupt thread, iopf worker, "
                        + "command-queue consumer, link, the engine woken): %d pages p50 %.2f ms (%.1fx the 3-hop floor), "
                        + "with its data and ATS request beside it %.2f ms (%.1fx)%n", PRG_CHAIN, PRG_PAGES, f.prgThreadsP50Ms,
                f.prgThreadsP50Ms / f.hop3P50Ms, f.prgThreadsBesideP50Ms, f.prgThreadsBesideP50Ms / f.hop3P50Ms);
        if (!Double.isNaN(prgP50Ms)) {
            System.out.printf("    the fabric's round trip against that chain: %.1fx under the cold row's load, %.1fx for a %d-page group alone%n",
                    prgP50Ms / f.prgP50Ms, prgAloneMs / f.prgAloneP50Ms, ALONE_PAGES);
        }
        printJobFixedCost(f);
        if (bindChain > 0) {
            System.out.printf("  a bind + unbind pair is %.1f requests in sequence: %.2f ms at the floor, at most %.0f pairs/s%n",
                    bindChain, bindChain * f.pingP50Ms, 1000 / (bindChain * f.pingP50Ms));
        }
    }

    /** {@code -Donly=warm,cold,control,perpage,concurrent} runs a subset (all by default), e.g. under a profiler. */
    private static boolean wanted(String part) {
        String only = System.getProperty("only", "");
        return only.isBlank() || List.of(only.split(",")).contains(part);
    }

    // ---- the floor ------------------------------------------------------------------------------

    /** {@code copyMBps}: 64 MiB moved the way a memcpy crosses the bus, in segments (see {@link FloorServer}). */
    private record Floor(double postMBps, double pingRps, double pingP50Ms, double hop3Rps, double hop3P50Ms, double copyMBps,
                         double prgP50Ms, double prgAloneP50Ms, double viewRps, double viewP50Ms, double prgBesideP50Ms,
                         double prgThreadsP50Ms, double prgThreadsBesideP50Ms, double jobP50Ms) {
        /** The faster of two floors, figure by figure: a ratio to the faster floor never flatters the fabric. */
        Floor best(Floor o) {
            return new Floor(Math.max(postMBps, o.postMBps), Math.max(pingRps, o.pingRps), Math.min(pingP50Ms, o.pingP50Ms),
                    Math.max(hop3Rps, o.hop3Rps), Math.min(hop3P50Ms, o.hop3P50Ms), Math.max(copyMBps, o.copyMBps),
                    Math.min(prgP50Ms, o.prgP50Ms), Math.min(prgAloneP50Ms, o.prgAloneP50Ms), Math.max(viewRps, o.viewRps),
                    Math.min(viewP50Ms, o.viewP50Ms), Math.min(prgBesideP50Ms, o.prgBesideP50Ms),
                    Math.min(prgThreadsP50Ms, o.prgThreadsP50Ms), Math.min(prgThreadsBesideP50Ms, o.prgThreadsBesideP50Ms),
                    Math.min(jobP50Ms, o.jobP50Ms));
        }
    }

    /**
     * Pages per group in the cold row: the topology's PRI allocation (32 outstanding page requests), which one group
     * fills when {@code device.pri-group-pages} is 0, the default.
     */
    private static final int PRG_PAGES = 32;

    /** A page-request group of {@code pages} write faults, as the device sends it. */
    private static IommuCalls.PageRequests group(int pages) {
        List<IommuCalls.PageRequest> reqs = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            reqs.add(new IommuCalls.PageRequest(7, i == pages - 1, false, true, false, false, new Addr(0x7f00_0000_0000L + i * 4096L)));
        }
        return new IommuCalls.PageRequests(8, 1, reqs);
    }

    /** The engine's segment: the copy floor moves its bytes in pieces of this size, as the engine does. */
    private static final int SEGMENT = Integer.getInteger("fabric.device.segment-bytes", 256 * 1024);

    private Floor measureFloor() {
        byte[] blob = new byte[64 * MIB];
        Arrays.fill(blob, (byte) 3);
        double post = median(runs, () -> {
            long t0 = System.nanoTime();
            check(floor.send("POST", "/floor/sink", "application/octet-stream", blob), 200);
            return blob.length / 1e6 / ((System.nanoTime() - t0) / 1e9);
        });
        Calls ping = timeCalls(3000, () -> check(floor.get("/floor/ping"), 200));
        Calls hop3 = timeCalls(2000, () -> check(floor.get("/floor/hop/3"), 200));
        double copy = median(runs, () -> {
            long t0 = System.nanoTime();
            check(floor.post("/floor/copy?length=" + (64 * MIB) + "&segment=" + SEGMENT, Map.of()), 200);
            return 64.0 * MIB / 1e6 / ((System.nanoTime() - t0) / 1e9);
        });
        IommuCalls.PageRequests full = group(PRG_PAGES);
        IommuCalls.PageRequests alone = group(ALONE_PAGES);
        Calls prg = timeCalls(1000, () -> check(floor.post("/floor/prg/requests", full), 200));
        Calls prgAlone = timeCalls(1000, () -> check(floor.post("/floor/prg/requests", alone), 200));
        Calls prgThreads = timeCalls(1000, () -> check(floor.post("/floor/prg/threaded", full), 200));
        Calls view = timeCalls(3000, () -> check(floor.get("/floor/view"), 200));
        Calls job = timeCalls(2000, () -> check(floor.post("/floor/job", BARE_ONE_PAGE_JOB), 200));
        return new Floor(post, ping.rps, ping.p50Ms, hop3.rps, hop3.p50Ms, copy, prg.p50Ms, prgAlone.p50Ms, view.rps, view.p50Ms,
                prgBesideItsData("/floor/prg/requests", full), prgThreads.p50Ms, prgBesideItsData("/floor/prg/threaded", full),
                job.p50Ms);
    }

    /**
     * The bare chain of a full group (p50, ms) while the rest of what the cold row does per group runs beside it, on
     * another thread, started with the group and waited for after it, only the chain timed: the group's 32 pages
     * read and written in one segment, and one ATS translation request of a segment's 64 pages (the cold row makes
     * about one per group). In the cold row the job's transfers and translations share the two cores with its groups.
     * {@code chain}: the seven requests on one thread, or on the fabric's threads ({@code /floor/prg/threaded}).
     */
    private double prgBesideItsData(String chain, IommuCalls.PageRequests group) {
        int bytes = PRG_PAGES * 4096;
        // A segment's 64 pages, as the device's lookahead asks them.
        List<IommuCalls.AtsPage> pages = new ArrayList<>();
        for (int i = 0; i < 2 * PRG_PAGES; i++) {
            pages.add(new IommuCalls.AtsPage(new Addr(0x7f00_0000_0000L + i * 4096L), true, false, false));
        }
        byte[] atsRequest = AtsLinkCodec.encode(new IommuCalls.AtsTranslate(8, 1, pages));
        ExecutorService beside = Executors.newSingleThreadExecutor();
        try {
            long[] t = new long[1000];
            for (int i = -100; i < t.length; i++) {
                Future<?> data = beside.submit(() -> {
                    check(floor.send("POST", "/floor/ats", "application/octet-stream", atsRequest), 200);
                    check(floor.post("/floor/copy?length=" + bytes + "&segment=" + bytes, Map.of()), 200);
                });
                long t0 = System.nanoTime();
                check(floor.post(chain, group), 200);
                long took = System.nanoTime() - t0;
                data.get();
                if (i >= 0) {
                    t[i] = took;
                }
            }
            Arrays.sort(t);
            return pct(t, 50) / 1e6;
        } catch (Exception e) {
            throw new IllegalStateException("the floor's chain beside its data", e);
        } finally {
            beside.shutdownNow();
        }
    }

    /** The floor's GET /fabric answers with the SMMUs and devices this fabric lists (FloorServer.ViewShape). */
    private void giveFloorTheViewsBodies() {
        JsonNode view = check(api.get("/fabric"), 200).json();
        String parts = "{\"smmus\":" + view.path("smmus") + ",\"devices\":" + view.path("devices") + "}";
        check(floor.send("PUT", "/floor/view/parts", "application/json", parts.getBytes(StandardCharsets.UTF_8)), 200);
    }

    // ---- the fabric -----------------------------------------------------------------------------

    /** One process bound to both SVA devices (one PASID: the io_mm is global), with its source data written. */
    private record Setup(long pid, int pasid) {
    }

    private Setup setup() {
        long pid = api.post("/processes", Map.of("name", "perf", "uid", 1000)).json().path("pid").asLong();
        int pasid = -1;
        for (String dev : List.of(SVA_A, SVA_B)) {
            api.post("/devices/" + dev + "/sva", Map.of("features", List.of("IOPF"), "maxPasid", 0));
            pasid = check(api.post("/devices/" + dev + "/sva/bonds", Map.of("pid", pid)), 201).json().path("pasid").asInt();
        }
        return new Setup(pid, pasid);
    }

    private void teardown(Setup s) {
        for (String dev : List.of(SVA_A, SVA_B)) {
            check(api.delete("/devices/" + dev + "/sva/bonds/" + s.pasid), 204);
        }
        check(api.delete("/processes/" + s.pid), 202);
    }

    private long mmap(Setup s, long length) {
        return Long.decode(check(api.post("/processes/" + s.pid + "/mmap", Map.of("length", length, "prot", "rw")), 201)
                .json().path("addr").asString());
    }

    private void munmap(Setup s, long addr, long length) {
        check(api.post("/processes/" + s.pid + "/munmap", Map.of("addr", hex(addr), "length", length)), 204);
    }

    /** Makes [addr, addr+length) resident by CPU writes (64 MiB per request, the CPU access limit). */
    private void touch(Setup s, long addr, long length, byte value) {
        byte[] chunk = new byte[(int) Math.min(length, 64L * MIB)];
        Arrays.fill(chunk, value);
        for (long off = 0; off < length; off += chunk.length) {
            check(api.putBytes("/processes/" + s.pid + "/memory?addr=" + hex(addr + off), chunk), 204);
        }
    }

    private JsonNode memcpy(String dev, int pasid, long src, long dst, long length) {
        JsonNode r = check(api.post("/devices/" + dev + "/jobs?wait=true", Map.of("op", "memcpy", "pasid", pasid,
                "src", hex(src), "dst", hex(dst), "length", length)), 200).json();
        if (!"COMPLETED".equals(r.path("status").asString())) {
            throw new IllegalStateException("job did not complete: " + r);
        }
        return r;
    }

    private void warmMemcpy(Setup s) {
        long len = 64L * MIB;
        long src = mmap(s, len);
        long dst = mmap(s, len);
        touch(s, src, len, (byte) 5);
        touch(s, dst, len, (byte) 0);
        // Untimed runs first: four Spring apps in one JVM have a lot to JIT, and on 2 cores the compiler threads
        // compete with the run (a JFR profile of one warm-up run showed 7 s of compilation in 12 s).
        for (int i = 0; i < WARMUP; i++) {
            memcpy(SVA_A, s.pasid, src, dst, len);
        }
        Caches before = caches();
        Hops hops = Hops.of(fabric);
        double mbps = median(runs, () -> {
            long t0 = System.nanoTime();
            memcpy(SVA_A, s.pasid, src, dst, len);
            return len / 1e6 / ((System.nanoTime() - t0) / 1e9);
        });
        System.out.println("  caches during the warm 64 MiB runs: " + caches().since(before));
        hops.print("the warm 64 MiB runs", runs);
        add("warm memcpy 64 MiB (every page resident)", "MB/s", mbps, Floor::postMBps, "MB/s (64 MiB POST)", ">= 0.5",
                (now, ratio) -> ratio >= 0.5);
        add("warm memcpy 64 MiB against the bus-shaped floor (a read and a write per segment)", "MB/s", mbps,
                Floor::copyMBps, "MB/s (64 MiB in segments)", "(context)", (now, ratio) -> ratio >= 0.5);
        munmap(s, src, len);
        munmap(s, dst, len);
    }

    private void coldMemcpy(Setup s) {
        long len = 16L * MIB;
        long src = mmap(s, len);
        touch(s, src, len, (byte) 9);
        List<Double> pagesPerSecond = new ArrayList<>();
        List<Long> prg = new ArrayList<>();
        // Untimed runs first, as the warm row's: the fault path's first few hundred groups run while it compiles.
        for (int i = 0, warm = Integer.getInteger("cold.warmup", WARMUP); i < warm; i++) {
            long dst = mmap(s, len);
            memcpy(SVA_A, s.pasid, src, dst, len);
            munmap(s, dst, len);
        }
        Hops hops = Hops.of(fabric);
        for (int i = 0; i < runs; i++) {
            long dst = mmap(s, len);
            long t0 = System.nanoTime();
            JsonNode r = memcpy(SVA_A, s.pasid, src, dst, len);
            double secs = (System.nanoTime() - t0) / 1e9;
            long faulted = r.path("faults").path("pageRequests").asLong();
            if (faulted < len / 4096) {
                throw new IllegalStateException("cold run faulted only " + faulted + " pages: " + r.path("faults"));
            }
            pagesPerSecond.add(faulted / secs);
            r.path("prgRoundTripMicros").forEach(n -> prg.add(n.asLong()));
            munmap(s, dst, len);
        }
        hops.print("the cold 16 MiB runs", runs);
        // Context: one group alone (a one-page cold memcpy), with no data or lookahead of the same job competing.
        // As many untimed first (the round trips of the first 100 measured 3.95 ms, of 3 000 2.30 ms).
        List<Long> alone = new ArrayList<>();
        int groups = Integer.getInteger("prg.alone", 500);
        // -Dprg.alone.pages=32: a full group alone instead (one segment: no lookahead of the same job competing).
        long aloneBytes = 4096L * ALONE_PAGES;
        for (int i = 0; i < 2 * groups; i++) {
            long dst = mmap(s, aloneBytes);
            JsonNode r = memcpy(SVA_A, s.pasid, src, dst, aloneBytes);
            if (i >= groups) {
                r.path("prgRoundTripMicros").forEach(n -> alone.add(n.asLong()));
            }
            munmap(s, dst, aloneBytes);
        }
        long[] a = alone.stream().mapToLong(Long::longValue).sorted().toArray();
        prgAloneMs = a.length == 0 ? Double.NaN : pct(a, 50) / 1000.0;
        System.out.printf("  PRG round trip of a %d-page group alone (%d-page cold memcpys, %d timed after %d), p50: %.2f ms%n",
                ALONE_PAGES, ALONE_PAGES, a.length, groups, prgAloneMs);
        munmap(s, src, len);
        double pps = median(pagesPerSecond);
        add("cold memcpy 16 MiB (every destination page faults via PRI)", "faulted pages/s", pps, null, null,
                ">= 20000 pages/s", (now, ratio) -> now >= 20_000);
        long[] v = prg.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50Ms = v.length == 0 ? Double.NaN : pct(v, 50) / 1000.0;
        prgP50Ms = p50Ms;
        add("PRG round trip at the device, p50 (" + v.length + " groups)", "ms", p50Ms, Floor::hop3P50Ms,
                "ms (3 nested hops, p50)", "<= 3x", (now, ratio) -> ratio <= 3);
        add("PRG round trip at the device, p50, against the bare chain with its data and ATS request beside it", "ms", p50Ms,
                Floor::prgBesideP50Ms, "ms (7 bare requests, p50)", "(context)", (now, ratio) -> ratio <= 1);
        add("PRG round trip at the device, p50, against that chain on the fabric's threads", "ms", p50Ms,
                Floor::prgThreadsBesideP50Ms, "ms (7 bare requests, 5 hand-offs, p50)", "(context)", (now, ratio) -> ratio <= 1);
        add("PRG round trip of a " + (ALONE_PAGES == 1 ? "one-page" : ALONE_PAGES + "-page") + " group alone, p50", "ms", prgAloneMs, Floor::hop3P50Ms, "ms (3 nested hops, p50)",
                "(context)", (now, ratio) -> ratio <= 3);
    }

    private void controlPaths() {
        Hops hops = Hops.of(fabric);
        // As a load test runs: a steady state, after as many untimed calls as timed ones. Four Spring apps in one JVM
        // are still compiling the gateway's path after thousands of calls: C2 takes over after about 10 000 calls of a
        // method, and the gateway's handler runs once per request (2 000 calls after 200 measured 0.32 of the floor,
        // 3 000 after 3 000 0.34, 10 000 after 10 000 0.92).
        int n = Integer.getInteger("devices.calls", 10_000);
        Calls devices = timeCalls(n, n, () -> check(api.get("/devices"), 200));
        hops.print("GET /devices (" + n + " timed + " + n + " warm-up)", 2 * n);
        add("GET /api/v1/devices, one connection", "req/s", devices.rps, Floor::hop3Rps, "req/s (3 nested hops)", ">= 0.5",
                (now, ratio) -> ratio >= 0.5);
        hops = Hops.of(fabric);
        int v = Integer.getInteger("fabric.calls", 3000);
        Calls view = timeCalls(v, v, () -> check(api.get("/fabric"), 200));
        hops.print("GET /fabric (" + v + " timed + " + v + " warm-up)", 2 * v);
        add("GET /api/v1/fabric, one connection (p50 " + String.format("%.2f ms", view.p50Ms) + ")", "req/s", view.rps,
                Floor::viewRps, "req/s (its shape, bare)", ">= 1000 req/s", (now, ratio) -> now >= 1000);
        long pid = api.post("/processes", Map.of("name", "binder", "uid", 1000)).json().path("pid").asLong();
        hops = Hops.of(fabric);
        Calls pairs = timeCalls(250, 500, () -> {
            int pasid = check(api.post("/devices/" + SVA_A + "/sva/bonds", Map.of("pid", pid)), 201).json().path("pasid").asInt();
            check(api.delete("/devices/" + SVA_A + "/sva/bonds/" + pasid), 204);
        });
        bindChain = hops.print("bind + unbind (500 timed + 250 warm-up)", 750);
        check(api.delete("/processes/" + pid), 202);
        add("bind + unbind, sequential", "pairs/s", pairs.rps, Floor::hop3Rps, "req/s (3 nested hops)", ">= 300 pairs/s",
                (now, ratio) -> now >= 300);
    }

    /**
     * The per-page row against the job's fixed cost at its floor. A size of {@code p} pages costs {@code n + F/p} per
     * page (n: its pages' own cost, F: the job's fixed cost), so against 1 MiB (256 pages) a large job with the same n
     * is {@code n / (n + F/256)}, which is 0.8 or more only when {@code n >= F/64}: with F at its floor, a warm page
     * faster than that fails the band's low edge however flat the path is.
     */
    private void printJobFixedCost(Floor f) {
        System.out.printf("  a one-page job through the gateway is 6 exchanges (find: gateway -> iommu -> mm; job: gateway -> device, "
                + "bus read and write): %.2f ms at the floor (%.1fx the 3-hop floor)%n", f.jobP50Ms, f.jobP50Ms / f.hop3P50Ms);
        System.out.printf("    so a 1 MiB job carries at least %.2f us/page of fixed cost, and the per-page row's 0.8 needs a warm page to "
                + "cost at least %.2f us net of it (F/64): a flat path faster than that fails the band's low edge%n",
                f.jobP50Ms * 1000 / 256, f.jobP50Ms * 1000 / 64);
        if (!Double.isNaN(oneJobMs)) {
            // The row again, with each size's own per-page cost as measured and the job's fixed cost at its floor.
            double oneMib = netUsPerPage.getOrDefault((long) MIB, Double.NaN) + f.jobP50Ms * 1000 / 256;
            StringBuilder atFloor = new StringBuilder();
            netUsPerPage.forEach((len, n) -> atFloor.append(String.format("%s %.2fx; ", human(len),
                    (n + f.jobP50Ms * 1000 / (len / 4096)) / oneMib)));
            System.out.printf("    the fabric's one-page job: %.2f ms (%.2fx that floor; %.2fx in alternating rounds); the row with every "
                    + "size's own per-page cost and the job's fixed cost at its floor: %s%n", oneJobMs, oneJobMs / f.jobP50Ms,
                    jobAgainstFloor, atFloor);
        }
    }

    /** Warm cost per page from 1 MiB up to {@code warmMax}: flat means each hop carries more, not more hops. */
    private void perPage(Setup s, long warmMax, boolean asRow) {
        System.out.println(asRow ? "\nper-page pass (a row)" : "\nper-page warm-up pass (printed, not a row)");
        double fixedMs = onePageJobs(s);
        Map<Long, Double> usPerPage = new LinkedHashMap<>();
        for (long len = MIB; len <= warmMax; len *= 4) {
            long src = mmap(s, len);
            long dst = mmap(s, len);
            touch(s, src, len, (byte) 1);
            touch(s, dst, len, (byte) 2);
            long size = len;
            // Every size moves at least -Dperpage.bytes (256 MiB), timed, after as much untimed: a median of three
            // short jobs measures the scheduler more than the job (at 64 MiB per size, the 64 MiB size was three
            // jobs, and back-to-back runs put it at 0.77-0.99x of 1 MiB).
            int jobs = (int) Math.max(runs, Long.getLong("perpage.bytes", 256L * MIB) / len);
            for (int i = 0; i < Math.max(1, jobs == runs ? 1 : jobs); i++) {
                memcpy(SVA_A, s.pasid, src, dst, len);
            }
            Hops hops = Hops.of(fabric);
            Caches before = caches();
            usPerPage.put(len, median(jobs, () -> {
                long t0 = System.nanoTime();
                memcpy(SVA_A, s.pasid, src, dst, size);
                return (System.nanoTime() - t0) / 1e3 / (size / 4096);
            }));
            // A repeated 1 MiB memcpy fits the ATC (512 entries: 256 source and 256 destination pages) and makes no
            // ATS request at all; every larger size streams through it.
            System.out.println("  caches during warm " + human(len) + ": " + caches().since(before));
            hops.print("warm " + human(len) + " (" + jobs + " jobs)", jobs);
            munmap(s, src, len);
            munmap(s, dst, len);
        }
        StringBuilder curve = new StringBuilder();
        usPerPage.forEach((len, us) -> curve.append(String.format("%s %.2f us/page; ", human(len), us)));
        System.out.println("\nwarm per-page cost: " + curve);
        double one = usPerPage.get((long) MIB);
        double worst = usPerPage.values().stream().mapToDouble(u -> u / one).max().orElse(1);
        double best = usPerPage.values().stream().mapToDouble(u -> u / one).min().orElse(1);
        double at64 = usPerPage.getOrDefault(64L * MIB, Double.NaN) / one;
        // Context: the same curve without the fixed cost of a job (the one-page job's p50), spread over its pages.
        Map<Long, Double> netNow = new LinkedHashMap<>();
        usPerPage.forEach((len, us) -> netNow.put(len, us - fixedMs * 1000 / (len / 4096)));
        StringBuilder net = new StringBuilder();
        netNow.forEach((len, us) -> net.append(String.format("%s %.2f; ", human(len), us)));
        System.out.println("  warm per-page cost net of a job's fixed cost (" + String.format("%.2f ms", fixedMs) + "), us/page: " + net);
        System.out.printf("  every size against 1 MiB: %.2f-%.2fx%n", best, worst);
        if (!asRow) {
            return;
        }
        oneJobMs = fixedMs;
        netUsPerPage = netNow;
        // Flat means every size within the band of 1 MiB, cheaper per page as well as dearer.
        add("warm per-page cost, 64 MiB vs 1 MiB (every size up to " + human(warmMax) + ": " + String.format("%.2f-%.2fx", best, worst) + ")",
                "x", at64, null, null, "0.8-1.25x", (now, ratio) -> !Double.isNaN(at64) && best >= 0.8 && worst <= 1.25);
    }

    /** What a job costs whatever its size: one-page memcpys, through the gateway, with the hops they take. */
    private double onePageJobs(Setup s) {
        long src = mmap(s, 4096);
        long dst = mmap(s, 4096);
        touch(s, src, 4096, (byte) 1);
        touch(s, dst, 4096, (byte) 2);
        Hops hops = Hops.of(fabric);
        int n = Integer.getInteger("perpage.one-page-jobs", 400);
        Calls one = timeCalls(n / 2, n, () -> memcpy(SVA_A, s.pasid, src, dst, 4096));
        hops.print("one-page memcpy (" + n + " timed + " + n / 2 + " warm-up)", n + n / 2);
        System.out.printf("  one-page memcpy through the gateway, the fixed cost of a job: p50 %.2f ms, %.0f jobs/s%n",
                one.p50Ms(), one.rps());
        // The same job against its bare shape (FloorServer.JobShape) in alternating rounds: on a machine whose speed
        // drifts (a VM losing a quarter of its cores to steal), a ratio within each round is what can be compared.
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < Integer.getInteger("perpage.rounds", 10); round++) {
            double fab = timeCalls(20, 100, () -> memcpy(SVA_A, s.pasid, src, dst, 4096)).p50Ms();
            double flo = timeCalls(20, 100, () -> check(floor.post("/floor/job", BARE_ONE_PAGE_JOB), 200)).p50Ms();
            ratios.add(fab / flo);
        }
        Collections.sort(ratios);
        jobAgainstFloor = ratios.get(ratios.size() / 2);
        System.out.printf("  the one-page job against its bare shape, in %d alternating rounds of 100: median %.2fx (%.2f-%.2fx)%n",
                ratios.size(), jobAgainstFloor, ratios.get(0), ratios.get(ratios.size() - 1));
        munmap(s, src, 4096);
        munmap(s, dst, 4096);
        return one.p50Ms();
    }

    /** Twelve cold 1 MiB jobs at once, six on each SVA device: the pipelining and concurrency row. */
    private void concurrentCold(Setup s) throws Exception {
        long len = MIB;
        List<Double> elapsed = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            for (int run = 0; run < runs; run++) {
                long[] src = new long[12];
                long[] dst = new long[12];
                for (int i = 0; i < 12; i++) {
                    src[i] = mmap(s, len);
                    touch(s, src[i], len, (byte) (i + 1));
                    dst[i] = mmap(s, len);
                }
                long t0 = System.nanoTime();
                List<Future<JsonNode>> jobs = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    int k = i;
                    jobs.add(pool.submit(() -> memcpy(k % 2 == 0 ? SVA_A : SVA_B, s.pasid, src[k], dst[k], len)));
                }
                for (Future<JsonNode> j : jobs) {
                    j.get();
                }
                elapsed.add((System.nanoTime() - t0) / 1e9);
                for (int i = 0; i < 12; i++) {
                    munmap(s, src[i], len);
                    munmap(s, dst[i], len);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = median(elapsed);
        add("12 concurrent cold 1 MiB jobs on 2 devices", "s", secs, null, null, "<= 5.3 s (2x faster than 10.6 s)",
                (now, ratio) -> now <= 5.3);
    }

    /** The devices' ATC and the SMMU's IOTLB counters (per page), read from the services' meter registries. */
    private record Caches(double atcHits, double atcMisses, double tlbHits, double tlbMisses) {
        Caches since(Caches b) {
            return new Caches(atcHits - b.atcHits, atcMisses - b.atcMisses, tlbHits - b.tlbHits, tlbMisses - b.tlbMisses);
        }

        @Override
        public String toString() {
            return String.format("ATC hit rate %.1f %% (%.0f of %.0f page lookups); IOTLB hit rate %.1f %% (%.0f of %.0f)",
                    100 * atcHits / Math.max(1, atcHits + atcMisses), atcHits, atcHits + atcMisses,
                    100 * tlbHits / Math.max(1, tlbHits + tlbMisses), tlbHits, tlbHits + tlbMisses);
        }
    }

    private Caches caches() {
        return new Caches(count("device", "device.atc.hits"), count("device", "device.atc.misses"),
                count("iommu", "smmu.tlb.hits"), count("iommu", "smmu.tlb.misses"));
    }

    private double count(String service, String meter) {
        MeterRegistry r = fabric.bean(service, MeterRegistry.class);
        return r.find(meter).counters().stream().mapToDouble(Counter::count).sum()
                + r.find(meter).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
    }

    // ---- measuring and printing -----------------------------------------------------------------

    private void add(String path, String unit, double now, FloorOf floor, String floorName, String goal, Goal met) {
        rows.put(path, new Row(path, unit, now, floor, floorName, goal, met));
        System.out.printf("  %-90s %12.2f %s%n", path, now, unit);
    }

    private void print(Floor f) {
        System.out.println("\n| path | now | transport floor, same run | ratio | goal | met |");
        System.out.println("|---|---:|---:|---:|---|---|");
        for (Row r : rows.values()) {
            double floorValue = r.floor == null ? Double.NaN : r.floor.of(f);
            double ratio = r.floor == null ? Double.NaN : r.now / floorValue;
            System.out.printf("| %s | %.2f %s | %s | %s | %s | %s |%n", r.path, r.now, r.unit,
                    r.floor == null ? "-" : String.format("%.3f %s", floorValue, r.floorName),
                    Double.isNaN(ratio) ? "-" : String.format("%.3f", ratio), r.goal, r.met.met(r.now, ratio) ? "yes" : "no");
        }
    }

    /** Sequential calls timed one by one, after untimed ones. */
    record Calls(double rps, double p50Ms, double p99Ms) {
    }

    /** {@code n} calls after n/10 untimed ones. */
    static Calls timeCalls(int n, Runnable call) {
        return timeCalls(n / 10, n, call);
    }

    static Calls timeCalls(int warmup, int n, Runnable call) {
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        long[] lat = new long[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            call.run();
            lat[i] = System.nanoTime() - s;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(lat);
        return new Calls(n / secs, pct(lat, 50) / 1e6, pct(lat, 99) / 1e6);
    }

    private static double median(int runs, Supplier<Double> sample) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            v.add(sample.get());
        }
        return median(v);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    static Api.Response check(Api.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ": " + r);
        }
        return r;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String human(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : bytes >= MIB ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
