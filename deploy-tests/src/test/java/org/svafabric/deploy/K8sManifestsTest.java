package org.svafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.svafabric.api.topology.DeviceShards;
import org.svafabric.api.topology.Topology;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * What a reviewer checks in deploy/k8s, on both overlays rendered ({@link Kustomize}) and loaded into fabric8's
 * typed models ({@link Manifests}): Services select pods that exist and target their ports; probes are the actuator's
 * health groups on a container port; every environment variable is one the service reads ({@link ConfigNames});
 * images and ports are the Dockerfiles'; replicas, shards and URLs agree; resources are requested.
 */
class K8sManifestsTest {

    private static final Map<String, Manifests> RENDERED = new TreeMap<>();

    private static Manifests rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> Manifests.of(Repo.K8S.resolve("overlays").resolve(o)));
    }

    // ---- the shape of each overlay ----

    @Test
    void theDemoIsOneReplicaOfEachServiceOnH2() {
        Manifests m = rendered("demo");
        assertThat(m.workloads()).extracting(Manifests.Workload::name)
                .containsExactlyInAnyOrderElementsOf(Manifests.FABRIC_SERVICES);
        m.workloads().forEach(w -> assertThat(w.replicas()).as(w.name()).isEqualTo(1));
        assertThat(sharedEnv(m)).doesNotContainKey("SPRING_PROFILES_ACTIVE");
        assertThat(topology(m).smmus()).hasSize(1);
    }

    @Test
    void scaledIsOnPostgresqlWithTwoSmmusAndThreeDeviceShards() {
        Manifests m = rendered("scaled");
        assertThat(m.workloads()).extracting(Manifests.Workload::name)
                .containsExactlyInAnyOrder("mm-service", "iommu-service", "device-service", "gateway", "postgres");
        assertThat(m.workload("device-service").replicas()).isEqualTo(3);
        m.workloads().stream().filter(w -> !w.name().equals("device-service"))
                .forEach(w -> assertThat(w.replicas()).as(w.name() + " is one of a kind").isEqualTo(1));
        Map<String, String> env = sharedEnv(m);
        assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "postgres");
        assertThat(topology(m).smmus()).extracting(s -> s.name()).containsExactly("smmu0", "smmu1");

        // FABRIC_PG_HOST:FABRIC_PG_PORT is the PostgreSQL of the overlay, whose database and user are the services'
        Service pg = m.one(Service.class, env.get("FABRIC_PG_HOST"));
        assertThat(pg.getSpec().getPorts()).extracting(ServicePort::getPort).contains(Integer.parseInt(env.get("FABRIC_PG_PORT")));
        Container postgres = m.workload("postgres").container("postgres");
        assertThat(postgres.getImage()).as("docker-compose.yml's postgres image").isEqualTo(Repo.composeServices().get("postgres").get("image"));
        Map<String, String> pgEnv = env(m, m.workload("postgres"), postgres);
        assertThat(pgEnv).containsEntry("POSTGRES_DB", env.get("FABRIC_PG_DATABASE")).containsEntry("POSTGRES_USER", env.get("FABRIC_PG_USER"))
                .containsEntry("POSTGRES_PASSWORD", env.get("FABRIC_PG_PASSWORD"));
        // the postgres image's own variables only
        assertThat(pgEnv.keySet()).isSubsetOf("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "PGDATA", "POSTGRES_INITDB_ARGS");
    }

    // ---- typed, strict loading ----

    @Test
    void anUnknownFieldOrAWronglyTypedOneFailsTheTypedLoad() {
        Map<String, Object> svc = Kustomize.parseAll("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  selector: {a: b}
                  ports: [{port: 80, targetPortt: http}]
                """).get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.typed(svc))
                .hasMessageContaining("v1/Service s.spec.ports[0].targetPortt");
        Map<String, Object> sts = Kustomize.parseAll("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: s}
                spec: {replicas: "3"}
                """).get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.typed(sts)).hasMessageContaining("replicas");
        Map<String, Object> ingress = Kustomize.parseAll("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n").get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.typed(ingress)).hasMessageContaining("no typed model");
    }

    // ---- Services ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void everyServiceSelectsPodsThatExistAndTargetsTheirPorts(String overlay) {
        Manifests m = rendered(overlay);
        for (Service s : m.all(Service.class)) {
            Map<String, String> selector = s.getSpec().getSelector();
            assertThat(selector).as(s.getMetadata().getName() + " selects something").isNotEmpty();
            List<Manifests.Workload> selected = m.workloads().stream()
                    .filter(w -> w.namespace().equals(s.getMetadata().getNamespace()))
                    .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("pods selected by Service " + s.getMetadata().getName()).isNotEmpty();
            for (Manifests.Workload w : selected) {
                for (ServicePort p : s.getSpec().getPorts()) {
                    assertThat(w.containers().stream().anyMatch(c -> hasPort(c, p.getTargetPort())))
                            .as("Service %s port %s: %s has container port %s", s.getMetadata().getName(), p.getPort(), w.name(), p.getTargetPort())
                            .isTrue();
                }
            }
        }
        for (Manifests.Workload w : m.workloads()) {
            // a workload's selector picks its own template, and a Service reaches every workload
            assertThat(w.template().getMetadata().getLabels().entrySet()).as(w.name()).containsAll(w.selector().entrySet());
            assertThat(m.all(Service.class)).as("a Service for " + w.name()).anyMatch(s -> w.template().getMetadata().getLabels()
                    .entrySet().containsAll(s.getSpec().getSelector().entrySet()));
        }
        for (StatefulSet s : m.all(StatefulSet.class)) {
            Service governing = m.one(Service.class, s.getSpec().getServiceName());
            assertThat(s.getSpec().getTemplate().getMetadata().getLabels().entrySet())
                    .as("StatefulSet %s's serviceName selects it", s.getMetadata().getName())
                    .containsAll(governing.getSpec().getSelector().entrySet());
        }
    }

    // ---- probes ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void probesAreTheActuatorsHealthGroupsOnAContainerPort(String overlay) {
        Manifests m = rendered(overlay);
        for (String service : Manifests.FABRIC_SERVICES) {
            Container c = m.workload(service).container(service);
            assertHttpProbe(c, c.getLivenessProbe(), "/actuator/health/liveness");
            assertHttpProbe(c, c.getStartupProbe(), "/actuator/health/liveness");
            assertHttpProbe(c, c.getReadinessProbe(), "/actuator/health/readiness");
            // the groups exist only where the service enables them (off Kubernetes Spring Boot leaves them off)
            assertThat(yamlValue(service, "management.endpoint.health.probes.enabled")).as(service + ".yml enables the probes").isEqualTo(true);
        }
    }

    private static void assertHttpProbe(Container c, Probe probe, String path) {
        assertThat(probe).as(c.getName() + " probe " + path).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as(c.getName() + " HTTP probe").isNotNull();
        assertThat(get.getPath()).as(c.getName()).isEqualTo(path);
        assertThat(hasPort(c, get.getPort())).as(c.getName() + " probe port " + get.getPort()).isTrue();
    }

    // ---- environment ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void everyVariableIsOneTheServiceReads(String overlay) {
        Manifests m = rendered(overlay);
        Map<String, List<String>> unread = new TreeMap<>();
        for (String service : Manifests.FABRIC_SERVICES) {
            ConfigNames reads = ConfigNames.of(Repo.ROOT, service);
            Manifests.Workload w = m.workload(service);
            Map<String, String> env = env(m, w, w.container(service));
            List<String> names = env.keySet().stream().filter(n -> !reads.reads(n)).toList();
            if (!names.isEmpty()) {
                unread.put(service, names);
            }
            if ("postgres".equals(env.get("SPRING_PROFILES_ACTIVE"))) {
                assertThat(ConfigNames.ymlFiles(Repo.ROOT, service)).extracting(p -> p.getFileName().toString())
                        .contains(service + "-postgres.yml");
            }
        }
        assertThat(unread).as("variables a service is given but does not read (not in its <service>*.yml, its "
                + "@ConfigurationProperties or @Value)").isEmpty();
    }

    @Test
    void theConfigurationNamesAreFoundWhereTheServicesDeclareThem() {
        ConfigNames gateway = ConfigNames.of(Repo.ROOT, "gateway");
        assertThat(gateway.reads("FABRIC_MM_URL")).as("a <service>.yml placeholder").isTrue();
        assertThat(gateway.reads("FABRIC_SECURITY_TOKENS_3_SHA256")).as("a list of records in @ConfigurationProperties").isTrue();
        assertThat(gateway.reads("FABRIC_SERVICETOKEN")).as("a record component").isTrue();
        assertThat(gateway.reads("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED")).as("a key of gateway.yml").isTrue();
        assertThat(gateway.reads("FABRIC_TOPOLOGY")).as("@Value in iommu-service and device-service only").isFalse();
        assertThat(ConfigNames.of(Repo.ROOT, "iommu-service").reads("FABRIC_TOPOLOGY")).isTrue();
        assertThat(ConfigNames.of(Repo.ROOT, "mm-service").reads("MM_RAM_SIZE")).isTrue();
        assertThat(ConfigNames.of(Repo.ROOT, "mm-service").reads("FABRIC_SECURITY_TOKENS_0_SHA256")).as("the gateway's").isFalse();
        assertThat(ConfigNames.of(Repo.ROOT, "mm-service").reads("FABRIC_PG_PASSWORD")).as("mm-service-postgres.yml").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void everyReferenceResolvesAndExpandsAVariableDefinedBefore(String overlay) {
        Manifests m = rendered(overlay);
        Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
        for (Manifests.Workload w : m.workloads()) {
            for (Container c : w.containers()) {
                Set<String> defined = new HashSet<>(envFromNames(m, w, c));
                for (EnvVar e : c.getEnv()) {
                    if (e.getValue() != null) {
                        Matcher x = ref.matcher(e.getValue());
                        while (x.find()) {
                            assertThat(defined).as("%s/%s: %s=%s expands %s, which must come before it (Kubernetes leaves it as is otherwise)",
                                    w.name(), c.getName(), e.getName(), e.getValue(), x.group(1)).contains(x.group(1));
                        }
                    }
                    assertThat(defined.add(e.getName())).as(w.name() + " sets " + e.getName() + " once").isTrue();
                }
                env(m, w, c);   // every ConfigMap, Secret and key referenced exists
                for (VolumeMount vm : c.getVolumeMounts()) {
                    boolean claimed = w.object() instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates().stream()
                            .anyMatch(t -> t.getMetadata().getName().equals(vm.getName()));
                    Volume v = w.template().getSpec().getVolumes().stream().filter(x -> x.getName().equals(vm.getName())).findFirst()
                            .orElse(null);
                    assertThat(claimed || v != null).as(w.name() + " mounts a declared volume " + vm.getName()).isTrue();
                    if (v != null && v.getConfigMap() != null) {
                        m.one(ConfigMap.class, v.getConfigMap().getName());
                    }
                }
            }
        }
    }

    // ---- images ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void imagesPortsAndUsersAreTheDockerfilesAndComposes(String overlay) {
        Manifests m = rendered(overlay);
        for (String service : Manifests.FABRIC_SERVICES) {
            Manifests.Workload w = m.workload(service);
            Container c = w.container(service);
            Repo.Dockerfile df = Repo.Dockerfile.of(service);
            assertThat(c.getImage()).as(service + ": the image docker-compose.yml builds from " + service + "/Dockerfile")
                    .isEqualTo(Repo.composeImageOf(service));
            assertThat(df.jar()).as(service + "/Dockerfile packs the module's jar").startsWith(service + "/target/" + service + "-");
            assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).as(service + ": the Dockerfile's EXPOSE").containsExactly(df.exposedPort());
            assertThat(w.template().getSpec().getSecurityContext().getRunAsUser()).as(service + ": the Dockerfile's user").isEqualTo(df.uid());
            assertThat(c.getVolumeMounts()).as(service + ": the Dockerfile's -Dfabric.data-dir=/data")
                    .anyMatch(vm -> vm.getMountPath().equals("/data"));
            // the port the service listens on (its <service>.yml default, no override set)
            assertThat(env(m, w, c).keySet()).noneMatch(n -> n.endsWith("_PORT") && !n.startsWith("FABRIC_PG_"));
            assertThat(String.valueOf(yamlValue(service, "server.port"))).as(service + ".yml's server.port").endsWith(":" + df.exposedPort() + "}");
        }
    }

    // ---- replicas, shards, URLs ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void shardsReplicasAndUrlsAgree(String overlay) {
        Manifests m = rendered(overlay);
        Manifests.Workload devices = m.workload("device-service");
        int shards = devices.replicas();
        Container dc = devices.container("device-service");
        Map<String, String> denv = env(m, devices, dc);
        assertThat(denv).as("device-service knows how many shards it is").containsEntry("FABRIC_DEVICE_SHARDS", String.valueOf(shards));
        EnvVar shard = dc.getEnv().stream().filter(e -> e.getName().equals("FABRIC_DEVICE_SHARD")).findFirst().orElseThrow();
        assertThat(shard.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
        assertThat(denv.get("FABRIC_DEVICE_SCHEMA")).as("a schema per shard").contains("$(FABRIC_DEVICE_SHARD)");

        // shard i is pod device-service-i of the StatefulSet, by its name under the headless Service
        StatefulSet sts = m.one(StatefulSet.class, "device-service");
        Service headless = m.one(Service.class, sts.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).as("pod names need a headless Service").isEqualTo("None");
        int port = headless.getSpec().getPorts().get(0).getPort();
        List<String> expected = IntStream.range(0, shards)
                .mapToObj(i -> "http://device-service-" + i + "." + headless.getMetadata().getName() + ":" + port).toList();
        for (String service : Manifests.FABRIC_SERVICES) {
            Manifests.Workload w = m.workload(service);
            Map<String, String> env = env(m, w, w.container(service));
            assertThat(List.of(env.get("FABRIC_DEVICE_URLS").split(","))).as(service + "'s FABRIC_DEVICE_URLS").isEqualTo(expected);
            assertThat(env.get("FABRIC_DEVICE_URL")).as(service + "'s FABRIC_DEVICE_URL is shard 0").isEqualTo(expected.get(0));
            for (String name : List.of("FABRIC_MM_URL", "FABRIC_IOMMU_URL", "FABRIC_GATEWAY_URL")) {
                URI u = URI.create(env.get(name));
                Service s = m.one(Service.class, u.getHost());
                assertThat(s.getSpec().getPorts()).extracting(ServicePort::getPort).as(service + " " + name).contains(u.getPort());
            }
        }
        // every shard serves devices of the topology
        Topology t = topology(m);
        assertThat(t.devices().stream().map(d -> DeviceShards.ownerOf(d, shards)).collect(Collectors.toSet()))
                .as("shards that serve a device").isEqualTo(IntStream.range(0, shards).boxed().collect(Collectors.toSet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void theTopologyConfigMapIsMountedWhereFabricTopologyPoints(String overlay) {
        Manifests m = rendered(overlay);
        for (String service : List.of("iommu-service", "device-service")) {
            topologyText(m, service);
        }
        for (String service : List.of("mm-service", "gateway")) {
            Manifests.Workload w = m.workload(service);
            assertThat(env(m, w, w.container(service))).doesNotContainKey("FABRIC_TOPOLOGY");
        }
        assertThat(topologyText(m, "iommu-service")).isEqualTo(topologyText(m, "device-service"));
    }

    @Test
    void theTopologiesAreTheBundledOnes() {
        // demo: the default topology, as bundled
        assertThat(topologyText(rendered("demo"), "iommu-service"))
                .isEqualTo(Repo.read(Repo.ROOT.resolve("fabric-api/src/main/resources/fabric-topology.yml")));
        // scaled: the bundled two-SMMU topology but for its devices' shards
        Map<String, Object> scaled = Kustomize.parseAll(topologyText(rendered("scaled"), "iommu-service")).get(0);
        Map<String, Object> bundled = Kustomize.loadAll(Repo.ROOT.resolve("fabric-api/src/main/resources/fabric-topology-2smmu.yml")).get(0);
        assertThat(withoutShards(scaled)).isEqualTo(withoutShards(bundled));
    }

    // ---- resources ----

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void everyContainerRequestsCpuAndMemoryAndIsLimitedInMemory(String overlay) {
        for (Manifests.Workload w : rendered(overlay).workloads()) {
            for (Container c : w.containers()) {
                assertThat(c.getResources().getRequests()).as(w.name() + " requests").containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(w.name() + " limits").containsKey("memory");
                assertThat(c.getResources().getLimits().get("memory").getNumericalAmount())
                        .as(w.name() + ": limit >= request").isGreaterThanOrEqualTo(c.getResources().getRequests().get("memory").getNumericalAmount());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void tokensAreInSecretsNotInConfigMaps(String overlay) {
        Manifests m = rendered(overlay);
        for (ConfigMap cm : m.all(ConfigMap.class)) {
            assertThat(cm.getData().keySet()).as(cm.getMetadata().getName()).noneMatch(k -> k.matches(".*(TOKEN|PASSWORD|SHA256)"));
        }
        Manifests.Workload gw = m.workload("gateway");
        Map<String, String> env = env(m, gw, gw.container("gateway"));
        assertThat(env.get("FABRIC_SECURITY_TOKENS_0_SHA256")).as("a SHA-256 in hex").matches("[0-9a-f]{64}");
        assertThat(env).containsKey("FABRIC_SERVICE_TOKEN");
        for (EnvVar e : gw.container("gateway").getEnv()) {
            if (e.getName().matches(".*(TOKEN|PASSWORD|SHA256)")) {
                assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName() + " from a Secret").isNotNull();
            }
        }
    }

    // ---- helpers ----

    private static boolean hasPort(Container c, IntOrString port) {
        return c.getPorts().stream().anyMatch(p -> port.getIntVal() != null
                ? port.getIntVal().equals(p.getContainerPort()) : port.getStrVal().equals(p.getName()));
    }

    /** A container's environment as the kubelet makes it: envFrom first, then env (references resolved). */
    static Map<String, String> env(Manifests m, Manifests.Workload w, Container c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            assertThat(from.getPrefix()).isNull();
            if (from.getConfigMapRef() != null) {
                out.putAll(m.one(ConfigMap.class, from.getConfigMapRef().getName()).getData());
            } else {
                secretData(m.one(Secret.class, from.getSecretRef().getName())).forEach(out::put);
            }
        }
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue();
            if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                value = m.one(ConfigMap.class, ref.getName()).getData().get(ref.getKey());
                assertThat(value).as(w.name() + " " + e.getName() + ": key " + ref.getKey() + " of " + ref.getName()).isNotNull();
            } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                value = secretData(m.one(Secret.class, ref.getName())).get(ref.getKey());
                assertThat(value).as(w.name() + " " + e.getName() + ": key " + ref.getKey() + " of " + ref.getName()).isNotNull();
            } else if (e.getValueFrom() != null) {
                value = "(" + e.getValueFrom().getFieldRef().getFieldPath() + ")";
            }
            out.put(e.getName(), value);
        }
        return out;
    }

    private static Set<String> envFromNames(Manifests m, Manifests.Workload w, Container c) {
        Set<String> names = new TreeSet<>();
        Map<String, String> all = env(m, w, c);
        names.addAll(all.keySet());
        c.getEnv().forEach(e -> names.remove(e.getName()));
        return names;
    }

    private static Map<String, String> secretData(Secret s) {
        Map<String, String> out = new TreeMap<>();
        s.getData().forEach((k, v) -> out.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
        return out;
    }

    /** What all four services share: the environment of mm-service (every service has it, and agrees). */
    private static Map<String, String> sharedEnv(Manifests m) {
        Manifests.Workload w = m.workload("mm-service");
        return env(m, w, w.container("mm-service"));
    }

    /** The topology file a service reads: FABRIC_TOPOLOGY in the ConfigMap volume mounted at its directory. */
    private static String topologyText(Manifests m, String service) {
        Manifests.Workload w = m.workload(service);
        Container c = w.container(service);
        String file = env(m, w, c).get("FABRIC_TOPOLOGY");
        assertThat(file).as(service + " FABRIC_TOPOLOGY").isNotNull().startsWith("/");
        String dir = file.substring(0, file.lastIndexOf('/'));
        VolumeMount mount = c.getVolumeMounts().stream().filter(vm -> vm.getMountPath().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + dir));
        Volume v = w.template().getSpec().getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst().orElseThrow();
        ConfigMap cm = m.one(ConfigMap.class, v.getConfigMap().getName());
        String text = cm.getData().get(file.substring(dir.length() + 1));
        assertThat(text).as(service + ": " + file + " in ConfigMap " + cm.getMetadata().getName()).isNotNull();
        return text;
    }

    private static Topology topology(Manifests m) {
        return Topology.load(new java.io.ByteArrayInputStream(topologyText(m, "iommu-service").getBytes(StandardCharsets.UTF_8)),
                m.overlay() + " topology");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutShards(Map<String, Object> topology) {
        Map<String, Object> out = new LinkedHashMap<>(topology);
        List<Map<String, Object>> devices = new ArrayList<>();
        for (Map<String, Object> d : (List<Map<String, Object>>) topology.get("devices")) {
            Map<String, Object> copy = new LinkedHashMap<>(d);
            copy.remove("shard");
            devices.add(copy);
        }
        out.put("devices", devices);
        return out;
    }

    /** A key of {@code <service>.yml} (dotted), or null. */
    @SuppressWarnings("unchecked")
    private static Object yamlValue(String service, String dotted) {
        Object node = Kustomize.loadAll(Repo.ROOT.resolve(service + "/src/main/resources/" + service + ".yml")).get(0);
        for (String part : dotted.split("\\.")) {
            node = node instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(part) : null;
        }
        return node;
    }
}
