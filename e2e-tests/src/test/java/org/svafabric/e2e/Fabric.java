package org.svafabric.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import java.time.Duration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.svafabric.device.DeviceServiceApplication;
import org.svafabric.gateway.GatewayApplication;
import org.svafabric.iommu.IommuServiceApplication;
import org.svafabric.mm.MmServiceApplication;

/**
 * The whole fabric in one test JVM: mm-service, iommu-service, device-service and the gateway,
 * each in its own Spring context on its own random loopback port, wired to each other by base
 * URL so that every call between them is real HTTP. Each service gets a fresh in-memory H2.
 * {@link #startSharded} runs several device-service shards ("device", "device-1", ...).
 */
public final class Fabric implements AutoCloseable {
    public static final String SERVICE_TOKEN = "e2e-service-token-" + UUID.randomUUID();
    /** The bearer token of uid 1000 (no roles) configured on the gateway for tests. */
    public static final String USER_TOKEN = "e2e-user-1000";
    public static final String OTHER_USER_TOKEN = "e2e-user-1001";
    public static final String ADMIN_TOKEN = "e2e-admin";

    /** The running context of each service; a service that reboots itself puts its new one here. */
    private final Map<String, ConfigurableApplicationContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, SpringApplication> applications = new LinkedHashMap<>();
    private final Map<String, String[]> arguments = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path dataDir;

    /** How many device-service shards run: "device" is shard 0, "device-1", "device-2", ... the others. */
    private final int deviceShards;

    private Fabric(Map<String, String> extraProperties, int deviceShards) throws IOException {
        if (deviceShards < 1) {
            throw new IllegalArgumentException("at least one device-service shard");
        }
        this.deviceShards = deviceShards;
        dataDir = Files.createTempDirectory("sva-fabric-e2e");
        for (String s : List.of("mm", "iommu", "device", "gateway")) {
            ports.put(s, freePort());
        }
        for (int k = 1; k < deviceShards; k++) {
            ports.put(deviceShard(k), freePort());
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> extra = new LinkedHashMap<>(extraProperties);
        if (deviceShards > 1) {
            List<String> urls = new ArrayList<>();
            for (int k = 0; k < deviceShards; k++) {
                urls.add(url(deviceShard(k)));
            }
            extra.putIfAbsent("fabric.services.device-shards", String.join(",", urls));
        }
        try {
            start("mm", MmServiceApplication.builder(), run, extra);
            for (int k = 0; k < deviceShards; k++) {
                Map<String, String> own = new LinkedHashMap<>(extra);
                if (deviceShards > 1) {
                    own.put("device.shard", String.valueOf(k));
                    own.put("device.shards", String.valueOf(deviceShards));
                }
                start(deviceShard(k), DeviceServiceApplication.builder(), run, own);
            }
            start("iommu", IommuServiceApplication.builder(), run, extra);
            start("gateway", GatewayApplication.builder(), run, extra);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Fabric start() throws IOException {
        return start(Map.of());
    }

    /** Extra properties are passed to every service (a service ignores what is not its own). */
    public static Fabric start(Map<String, String> extraProperties) throws IOException {
        return new Fabric(extraProperties, 1);
    }

    /**
     * The fabric with {@code deviceShards} device-service instances, each serving its part of the topology
     * ({@code device.shard} of {@code device.shards}); every service knows them all
     * ({@code fabric.services.device-shards}). Shard 0 is the service "device", shard k "device-k".
     */
    public static Fabric startSharded(int deviceShards, Map<String, String> extraProperties) throws IOException {
        return new Fabric(extraProperties, deviceShards);
    }

    /** The harness's name of device-service shard {@code k}: "device" for shard 0, "device-k" for the others. */
    public static String deviceShard(int k) {
        return k == 0 ? "device" : "device-" + k;
    }

    public int deviceShards() {
        return deviceShards;
    }

    private void start(String name, SpringApplicationBuilder builder, String run, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String kv : List.of(
                "--server.port=" + ports.get(name),
                "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:h2:mem:" + name + "-" + run + ";DB_CLOSE_DELAY=-1",
                "--fabric.data-dir=" + dataDir.resolve(name),
                "--fabric.service-token=" + SERVICE_TOKEN,
                "--fabric.services.mm=" + url("mm"),
                "--fabric.services.iommu=" + url("iommu"),
                "--fabric.services.device=" + url("device"),
                "--fabric.services.gateway=" + url("gateway"),
                "--fabric.security.tokens[0].token=" + USER_TOKEN,
                "--fabric.security.tokens[0].uid=1000",
                "--fabric.security.tokens[1].token=" + OTHER_USER_TOKEN,
                "--fabric.security.tokens[1].uid=1001",
                "--fabric.security.tokens[2].token=" + ADMIN_TOKEN,
                "--fabric.security.tokens[2].uid=0",
                "--fabric.security.tokens[2].roles=admin,ptrace",
                "--spring.jmx.enabled=false",
                "--logging.level.root=WARN")) {
            int eq = kv.indexOf('=');
            props.put(kv.substring(2, eq), kv.substring(eq + 1));
        }
        props.putAll(extra);
        List<String> args = new ArrayList<>();
        props.forEach((k, v) -> args.add("--" + k + "=" + v));
        // Every run of the application, the harness's restarts and the service's own reboots alike, reports here.
        builder.listeners((ApplicationListener<ApplicationReadyEvent>) e -> contexts.put(name, e.getApplicationContext()));
        arguments.put(name, args.toArray(String[]::new));
        builder.run(arguments.get(name));
        applications.put(name, builder.application());
    }

    /**
     * Stops one service as a crash would leave the others: its context closes (port released, memory gone), its
     * database stays. The other services notice when it comes back, by its new boot id.
     */
    public void stop(String service) {
        ConfigurableApplicationContext c = contexts.remove(service);
        if (c != null) {
            c.close();
        }
    }

    /** Starts a stopped service again: same port, same database, same arguments; returns once it is ready. */
    public void start(String service) {
        if (contexts.containsKey(service)) {
            throw new IllegalStateException(service + " is running");
        }
        applications.get(service).run(arguments.get(service));
    }

    /** {@link #stop} then {@link #start}: a reboot of one service. */
    public void restart(String service) {
        stop(service);
        start(service);
    }

    /**
     * Waits until {@code service} runs in a context other than {@code before} (it rebooted itself, as
     * iommu-service does when RAM rebooted under it) and answers its health.
     */
    public void awaitRebooted(String service, ConfigurableApplicationContext before, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ConfigurableApplicationContext now = contexts.get(service);
            if (now != null && now != before && now.isActive()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(service + " did not reboot within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    public String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    public String gateway() {
        return url("gateway") + "/api/v1";
    }

    public ConfigurableApplicationContext context(String service) {
        return contexts.get(service);
    }

    public <T> T bean(String service, Class<T> type) {
        return contexts.get(service).getBean(type);
    }

    @Override
    public void close() {
        List<String> order = new ArrayList<>(List.of("gateway", "iommu"));
        for (int k = deviceShards - 1; k >= 0; k--) {
            order.add(deviceShard(k));
        }
        order.add("mm");
        for (String name : order) {
            ConfigurableApplicationContext c = contexts.remove(name);
            if (c != null) {
                c.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
