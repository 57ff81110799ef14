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

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.svafabric.device.DeviceServiceApplication;
import org.svafabric.gateway.GatewayApplication;
import org.svafabric.iommu.IommuServiceApplication;
import org.svafabric.mm.MmServiceApplication;

/**
 * The whole fabric in one test JVM: mm-service, iommu-service, device-service and the gateway,
 * each in its own Spring context on its own random loopback port, wired to each other by base
 * URL so that every call between them is real HTTP. Each service gets a fresh in-memory H2.
 */
public final class Fabric implements AutoCloseable {
    public static final String SERVICE_TOKEN = "e2e-service-token-" + UUID.randomUUID();
    /** The bearer token of uid 1000 (no roles) configured on the gateway for tests. */
    public static final String USER_TOKEN = "e2e-user-1000";
    public static final String OTHER_USER_TOKEN = "e2e-user-1001";
    public static final String ADMIN_TOKEN = "e2e-admin";

    private final Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path dataDir;

    private Fabric(Map<String, String> extraProperties) throws IOException {
        dataDir = Files.createTempDirectory("sva-fabric-e2e");
        for (String s : List.of("mm", "iommu", "device", "gateway")) {
            ports.put(s, freePort());
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        try {
            start("mm", MmServiceApplication.builder(), run, extraProperties);
            start("device", DeviceServiceApplication.builder(), run, extraProperties);
            start("iommu", IommuServiceApplication.builder(), run, extraProperties);
            start("gateway", GatewayApplication.builder(), run, extraProperties);
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
        return new Fabric(extraProperties);
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
        contexts.put(name, builder.run(args.toArray(String[]::new)));
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
        List<String> names = new ArrayList<>(contexts.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            contexts.get(names.get(i)).close();
        }
        contexts.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
