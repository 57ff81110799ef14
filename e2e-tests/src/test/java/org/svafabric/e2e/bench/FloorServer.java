package org.svafabric.e2e.bench;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.bind.annotation.PutMapping;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.threads.DaemonPool;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsLinkCodec;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.gateway.fabric.FabricFaults;
import org.svafabric.gateway.fabric.FabricView;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The transport floor: a bare Spring Boot app (Tomcat, Spring MVC, and the client the services use between
 * themselves: a pooled, blocking Apache HttpClient 5 with keep-alive and TCP_NODELAY) that does nothing but answer. What a request through the fabric
 * costs above this is the simulator's own work; the benchmarks report their paths as ratios to it.
 * <ul>
 * <li>{@code GET /floor/ping}: a trivial JSON answer;</li>
 * <li>{@code GET /floor/hop/{n}}: calls {@code /floor/hop/{n-1}} on itself before answering, so
 * {@code /hop/3} from a client is a chain of three nested loopback requests, the shape of
 * gateway -> device-service -> iommu-service, or device -> iommu -> mm;</li>
 * <li>{@code POST /floor/sink}: consumes an {@code application/octet-stream} body and answers its length;</li>
 * <li>{@code GET /floor/source?length=}: answers that many bytes;</li>
 * <li>{@code POST /floor/copy?length=&segment=}: moves {@code length} bytes the way a DMA engine's memcpy crosses
 * the memory bus, one {@code segment} at a time: a {@code /floor/source} read and a {@code /floor/sink} write
 * per segment, nested in the request (client -> device -> mm). Its bytes per second are what a memcpy of
 * that segment size could reach if translation and RAM cost nothing.</li>
 * <li>{@code POST /floor/prg/requests}: a page-request group's round trip as seven bare requests in sequence,
 * with the fabric's bodies ({@link PrgChain}); {@code POST /floor/prg/threaded}: the same on the threads a group
 * passes in the fabric;</li>
 * <li>{@code POST /floor/job}: a one-page job's submission through the gateway as a bare app's six exchanges
 * ({@link JobShape}): the fixed cost of every job, whatever its size;</li>
 * <li>{@code GET /floor/view}: {@code GET /api/v1/fabric}'s shape, one request that asks three others at once, with
 * the fabric's bodies ({@link ViewShape}).</li>
 * </ul>
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "org.svafabric.api.web.FabricWebAutoConfiguration",
        "org.svafabric.api.events.migration.EventLogMigrationAutoConfiguration"})
public class FloorServer {

    /** Starts the floor app on a random loopback port, with no database work and no fabric filters. */
    public static Running start() {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(FloorServer.class, Endpoints.class, PrgChain.class, ViewShape.class,
                JobShape.class)
                .properties("server.port=0", "server.address=127.0.0.1",
                        "spring.datasource.url=jdbc:h2:mem:floor;DB_CLOSE_DELAY=-1", "spring.flyway.enabled=false",
                        "spring.jpa.hibernate.ddl-auto=none", "spring.jmx.enabled=false", "logging.level.root=WARN",
                        "spring.main.banner-mode=off")
                .run();
        return new Running(ctx);
    }

    public record Running(ConfigurableApplicationContext context) implements AutoCloseable {
        public String url() {
            Environment env = context.getEnvironment();
            return "http://127.0.0.1:" + env.getProperty("local.server.port");
        }

        @Override
        public void close() {
            context.close();
        }
    }

    @RestController
    static class Endpoints {
        private static final String HOP = "/floor/hop/{n}";
        private final Environment env;
        private volatile RestClient self;

        Endpoints(Environment env) {
            this.env = env;
        }

        /** Built on first use: the port is known only once the server listens. */
        private RestClient self() {
            RestClient c = self;
            if (c == null) {
                CloseableHttpClient http = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnPerRoute(64)
                                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build()).build())
                        .disableAutomaticRetries().build();
                c = RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(http))
                        .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port")).build();
                self = c;
            }
            return c;
        }

        @GetMapping("/floor/ping")
        Pong ping() {
            return new Pong(0);
        }

        @GetMapping("/floor/hop/{n}")
        Pong hop(@PathVariable int n) {
            if (n <= 1) {
                return new Pong(1);
            }
            Pong inner = self().get().uri(HOP, n - 1).retrieve().body(Pong.class);
            return new Pong(inner.hops() + 1);
        }

        @PostMapping(path = "/floor/sink", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        Pong sink(@RequestBody byte[] body) {
            return new Pong(body.length);
        }

        /**
         * An ATS translation request on the link ({@link AtsLinkCodec}): decoded, and answered with one successful
         * completion per page, encoded the same way. No walk, no cache: the link's bytes and their coding alone.
         */
        @PostMapping(path = "/floor/ats", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        byte[] ats(@RequestBody byte[] request) {
            List<AtsCompletion> done = AtsLinkCodec.decodeTranslate(request).pages().stream()
                    .map(p -> new AtsCompletion(p.addr(), AtsStatus.OK, p.addr(), null, true, p.write(), false, false, null)).toList();
            return AtsLinkCodec.encode(new IommuCalls.AtsTranslation(done));
        }

        @GetMapping(path = "/floor/source", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        byte[] source(@RequestParam int length) {
            return new byte[length];
        }

        @PostMapping("/floor/copy")
        Pong copy(@RequestParam long length, @RequestParam int segment) {
            long moved = 0;
            for (long off = 0; off < length; off += segment) {
                int n = (int) Math.min(segment, length - off);
                byte[] data = self().get().uri("/floor/source?length={n}", n).retrieve().body(byte[].class);
                moved += self().post().uri("/floor/sink").contentType(MediaType.APPLICATION_OCTET_STREAM).body(data)
                        .retrieve().body(Pong.class).hops();
            }
            return new Pong(moved);
        }
    }

    public record Pong(long hops) {
    }

    /** The size of a PRI queue entry and of a command queue entry (SMMUv3: 16 bytes each). */
    private static final int QUEUE_ENTRY = 16;

    /**
     * A page-request group's round trip rendered as a bare app's requests: the same seven, in the same order, with
     * the fabric's own bodies (the records of fabric-api, encoded by the same Jackson) and the bus's byte counts,
     * each waiting for the one before. It keeps no queue, walks nothing and allocates no frame, so it is a lower
     * bound for the fabric's round trip: the requests and their bodies alone.
     *
     * <p>{@code /floor/prg/threaded} makes the same requests on the threads a group passes in the fabric, each a
     * thread hand-off: the SMMU admits the group on the request's thread (the PRI queue write), the driver's
     * threaded PRIQ interrupt reads the entries, an iopf worker handles the faults and writes CMD_PRI_RESP, the
     * SMMU's command-queue consumer fetches it, the link sends the PRG Response, and the device's engine, waiting for
     * it, wakes (here: the request's thread, which answers).
     */
    @RestController
    static class PrgChain {
        private final Endpoints endpoints;
        private final ExecutorService irq = DaemonPool.cached("floor-priq-irq");
        private final ExecutorService iopf = DaemonPool.cached("floor-iopf");
        private final ExecutorService cmdq = DaemonPool.cached("floor-cmdq");
        private final ExecutorService link = DaemonPool.cached("floor-link");

        PrgChain(Endpoints endpoints) {
            this.endpoints = endpoints;
        }

        /** 1: the device's Page Request messages; the rest runs before the answer, in sequence. */
        @PostMapping("/floor/prg/requests")
        Pong requests(@RequestBody IommuCalls.PageRequests group) {
            RestClient c = endpoints.self();
            writeQueue(c, group);
            readQueue(c, group);
            MmViews.FaultResults results = fault(c, group);
            writeCommand(c);
            fetchCommand(c);
            respond(c, group, results);
            return new Pong(7);
        }

        /** The same seven requests, each on the thread the fabric makes it on (see the class comment). */
        @PostMapping("/floor/prg/threaded")
        Pong threaded(@RequestBody IommuCalls.PageRequests group) {
            RestClient c = endpoints.self();
            writeQueue(c, group);
            CompletableFuture.runAsync(() -> readQueue(c, group), irq)
                    .thenApplyAsync(read -> {
                        MmViews.FaultResults results = fault(c, group);
                        writeCommand(c);
                        return results;
                    }, iopf)
                    .thenApplyAsync(results -> {
                        fetchCommand(c);
                        return results;
                    }, cmdq)
                    .thenAcceptAsync(results -> respond(c, group, results), link)
                    .join();
            return new Pong(7);
        }

        /** 2: the SMMU writes one PRI queue entry per request. */
        private static void writeQueue(RestClient c, IommuCalls.PageRequests group) {
            c.post().uri("/floor/sink").contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .body(new byte[group.requests().size() * QUEUE_ENTRY]).retrieve().body(Pong.class);
        }

        /** 3: the driver reads them back. */
        private static void readQueue(RestClient c, IommuCalls.PageRequests group) {
            c.get().uri("/floor/source?length={n}", group.requests().size() * QUEUE_ENTRY).retrieve().body(byte[].class);
        }

        /** 4: handle_mm_fault for the group's addresses. */
        private static MmViews.FaultResults fault(RestClient c, IommuCalls.PageRequests group) {
            List<MmRequests.Fault> faults = group.requests().stream()
                    .map(r -> new MmRequests.Fault(r.addr(), r.write() ? "write" : "read", r.priv())).toList();
            return c.post().uri("/floor/prg/fault").contentType(MediaType.APPLICATION_JSON)
                    .body(new MmRequests.Faults(faults)).retrieve().body(MmViews.FaultResults.class);
        }

        /** 5: the driver writes CMD_PRI_RESP. */
        private static void writeCommand(RestClient c) {
            c.post().uri("/floor/sink").contentType(MediaType.APPLICATION_OCTET_STREAM).body(new byte[QUEUE_ENTRY])
                    .retrieve().body(Pong.class);
        }

        /** 6: the SMMU fetches it. */
        private static void fetchCommand(RestClient c) {
            c.get().uri("/floor/source?length={n}", QUEUE_ENTRY).retrieve().body(byte[].class);
        }

        /** 7: the PRG Response message to the device. */
        private static void respond(RestClient c, IommuCalls.PageRequests group, MmViews.FaultResults results) {
            int n = group.requests().size();
            c.post().uri("/floor/prg/response").contentType(MediaType.APPLICATION_JSON)
                    .body(new DeviceRequests.PrgResponse(group.requests().get(n - 1).prgIndex(), group.pasid(),
                            PrgResponseCode.SUCCESS, new DmaEvent.FaultKinds(results.results().size(), 0, 0)))
                    .retrieve().toBodilessEntity();
        }

        @PostMapping("/floor/prg/fault")
        MmViews.FaultResults fault(@RequestBody MmRequests.Faults body) {
            return new MmViews.FaultResults(body.faults().stream()
                    .map(f -> new MmViews.FaultResult(f.addr(), true, null, null, "minor")).toList());
        }

        @PostMapping("/floor/prg/response")
        ResponseEntity<Void> response(@RequestBody DeviceRequests.PrgResponse body) {
            return ResponseEntity.accepted().build();
        }
    }

    /**
     * {@code GET /api/v1/fabric} rendered as a bare app's requests: one request that asks three others at once and
     * answers when all three have, as the gateway asks iommu-service ({@code GET /iommu/v1/fabric}), device-service
     * ({@code GET /device/v1/fabric}) and mm-service's liveness probe, with the fabric's own bodies (the SMMUs and
     * devices a run of the fabric listed, {@code PUT /floor/view/parts}) in the same records and the answer in the
     * gateway's own {@link FabricView}. No breaker, no boot ids, no health held: a lower bound for the view.
     */
    @RestController
    static class ViewShape {
        private final Endpoints endpoints;
        private final ExecutorService pool = DaemonPool.cached("floor-view");
        private volatile IommuViews.FabricPart iommu = new IommuViews.FabricPart(List.of(), List.of());
        private volatile DeviceViews.FabricPart device = new DeviceViews.FabricPart(List.of(), List.of());

        ViewShape(Endpoints endpoints) {
            this.endpoints = endpoints;
        }

        /** The bodies the backend calls answer: what the fabric's own view listed. */
        public record Parts(List<IommuViews.Smmu> smmus, List<DeviceViews.Device> devices) {
        }

        @PutMapping("/floor/view/parts")
        Pong parts(@RequestBody Parts parts) {
            iommu = new IommuViews.FabricPart(parts.smmus(), List.of());
            device = new DeviceViews.FabricPart(parts.devices(), List.of());
            return new Pong(parts.smmus().size() + parts.devices().size());
        }

        @GetMapping("/floor/view/iommu")
        IommuViews.FabricPart iommu() {
            return iommu;
        }

        @GetMapping("/floor/view/device")
        DeviceViews.FabricPart device() {
            return device;
        }

        @GetMapping("/floor/view")
        FabricView view() {
            RestClient c = endpoints.self();
            CompletableFuture<IommuViews.FabricPart> smmus = CompletableFuture.supplyAsync(
                    () -> c.get().uri("/floor/view/iommu").retrieve().body(IommuViews.FabricPart.class), pool);
            CompletableFuture<DeviceViews.FabricPart> devices = CompletableFuture.supplyAsync(
                    () -> c.get().uri("/floor/view/device").retrieve().body(DeviceViews.FabricPart.class), pool);
            Pong live = c.get().uri("/floor/ping").retrieve().body(Pong.class);
            IommuViews.FabricPart i = smmus.join();
            DeviceViews.FabricPart d = devices.join();
            FabricView.Health up = new FabricView.Health("http://127.0.0.1", live == null ? "DOWN" : "UP", null);
            return new FabricView(i.smmus().isEmpty() ? null : i.smmus().get(0), i.smmus(), d.devices(),
                    new FabricView.Services(up, up, up, up), FabricFaults.summary(List.of(), null), null);
        }
    }

    /**
     * A one-page memcpy submitted through the gateway with {@code ?wait=true}, rendered as a bare app's requests in
     * the fabric's order, with the fabric's records as bodies. The gateway's iommu_sva_find (iommu-service asks
     * mm-service whether the process still runs, mmget_not_zero), then the device's job: the request hands the job
     * to an engine thread, which reads the source page and writes the destination page on the memory bus, and the
     * request answers the job's record once the engine is done. Six exchanges, no work between them: a lower bound
     * for what every job costs above its pages.
     */
    @RestController
    static class JobShape {
        private static final int PAGE = 4096;
        private final Endpoints endpoints;
        private final ExecutorService engine = DaemonPool.cached("floor-engine");

        JobShape(Endpoints endpoints) {
            this.endpoints = endpoints;
        }

        /** 1: the caller's request at the gateway. */
        @PostMapping("/floor/job")
        DeviceViews.Job job(@RequestBody DeviceRequests.Job body) {
            RestClient c = endpoints.self();
            IommuViews.Pasid owner = c.get().uri("/floor/job/pasids/{pasid}", body.pasid()).retrieve().body(IommuViews.Pasid.class);
            DeviceRequests.Job forwarded = new DeviceRequests.Job(body.op(), body.pasid(), body.src(), body.dst(), body.length(),
                    body.value(), body.seed(), owner.pid(), body.timing());
            return c.post().uri("/floor/job/device").contentType(MediaType.APPLICATION_JSON).body(forwarded).retrieve()
                    .body(DeviceViews.Job.class);
        }

        /** 2: iommu_sva_find at iommu-service, which asks mm-service (3) whether the process still runs. */
        @GetMapping("/floor/job/pasids/{pasid}")
        IommuViews.Pasid find(@PathVariable int pasid) {
            MmViews.Process p = endpoints.self().get().uri("/floor/job/processes/{pid}", 1000 + pasid).retrieve()
                    .body(MmViews.Process.class);
            return new IommuViews.Pasid(pasid, p.pid(), List.of("0000:01:00.0"));
        }

        @GetMapping("/floor/job/processes/{pid}")
        MmViews.Process process(@PathVariable long pid) {
            return new MmViews.Process(pid, "bench", 1000, ProcessState.RUNNING, 7, new Addr(0x4000_0000L), null,
                    List.of(new MmViews.Vma(new Addr(0x7f00_0000_0000L), new Addr(0x7f00_0000_2000L), 2 * PAGE, "rw-", 0)),
                    2L, 0L, 0L);
        }

        /** 4: the job at device-service; the engine's bus read (5) and write (6), then the job's record. */
        @PostMapping("/floor/job/device")
        DeviceViews.Job device(@RequestBody DeviceRequests.Job body) {
            RestClient c = endpoints.self();
            CompletableFuture.runAsync(() -> {
                byte[] page = c.get().uri("/floor/source?length={n}", PAGE).retrieve().body(byte[].class);
                c.post().uri("/floor/sink").contentType(MediaType.APPLICATION_OCTET_STREAM).body(page).retrieve().body(Pong.class);
            }, engine).join();
            return new DeviceViews.Job("0000:01:00.0-1", "0000:01:00.0", body.pasid(), 1000L, body.op(), "COMPLETED",
                    body.length(), body.length(), new DeviceViews.Faults(0, 0, 0, 0), 120L, null, null, null, null, List.of());
        }
    }
}
