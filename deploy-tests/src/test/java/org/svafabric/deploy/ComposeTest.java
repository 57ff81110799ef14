package org.svafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.svafabric.api.topology.DeviceShards;
import org.svafabric.api.topology.Topology;

/**
 * docker-compose.yml's fabric, as compose would configure it (CI runs {@code docker-compose config}, which checks
 * the syntax only): without a profile one device-service; with deploy/compose/scaled.env and the scaled profile two
 * shards and two SMMUs, on which every service agrees; every variable a fabric service gets is one it reads.
 */
class ComposeTest {

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-([^}]*))?}");
    private static final Map<String, String> MODULES = Map.of("mm", "mm-service", "iommu", "iommu-service",
            "device", "device-service", "device-1", "device-service", "gateway", "gateway");

    @Test
    void withoutAProfileTheFabricHasOneDeviceShardAndTheDefaultTopology() {
        Map<String, Map<String, String>> env = environments(Map.of(), List.of());
        assertThat(env.keySet()).containsExactlyInAnyOrder("mm", "iommu", "device", "gateway");
        assertThat(env.get("device")).containsEntry("FABRIC_DEVICE_SHARD", "0").containsEntry("FABRIC_DEVICE_SHARDS", "1");
        env.values().forEach(e -> assertThat(e.get("FABRIC_DEVICE_URLS")).isEqualTo("http://device:8083"));
        assertThat(env.get("iommu").get("FABRIC_TOPOLOGY")).isEmpty();
    }

    @Test
    void theScaledProfileHasTwoShardsAndTwoSmmusThatEveryServiceAgreesOn() {
        Map<String, String> scaled = envFile("deploy/compose/scaled.env");
        Map<String, Map<String, String>> env = environments(scaled, List.of("scaled"));
        List<String> shards = env.keySet().stream().filter(s -> s.startsWith("device")).sorted().toList();
        assertThat(shards).containsExactly("device", "device-1");
        for (int i = 0; i < shards.size(); i++) {
            assertThat(env.get(shards.get(i))).as(shards.get(i)).containsEntry("FABRIC_DEVICE_SHARD", String.valueOf(i))
                    .containsEntry("FABRIC_DEVICE_SHARDS", String.valueOf(shards.size()));
        }
        assertThat(env.get("device").get("FABRIC_DEVICE_SCHEMA")).as("shard 0: the default schema, device")
                .isNotEqualTo(env.get("device-1").get("FABRIC_DEVICE_SCHEMA"));
        String urls = String.join(",", shards.stream().map(s -> "http://" + s + ":8083").toList());
        env.forEach((s, e) -> assertThat(e.get("FABRIC_DEVICE_URLS")).as(s).isEqualTo(urls));
        for (String s : List.of("iommu", "device", "device-1")) {
            Topology t = Topology.loadFrom(env.get(s).get("FABRIC_TOPOLOGY"));
            assertThat(t.smmus()).as(s).hasSize(2);
            assertThat(IntStream.range(0, shards.size()).allMatch(i -> t.devices().stream()
                    .anyMatch(d -> DeviceShards.ownerOf(d, shards.size()) == i))).as("every shard serves devices").isTrue();
        }
    }

    @Test
    void everyVariableIsOneTheServiceReads() {
        Map<String, List<String>> unread = new TreeMap<>();
        environments(envFile("deploy/compose/scaled.env"), List.of("scaled")).forEach((service, env) -> {
            ConfigNames reads = ConfigNames.of(Repo.ROOT, MODULES.get(service));
            List<String> names = env.keySet().stream().filter(n -> !reads.reads(n)).toList();
            if (!names.isEmpty()) {
                unread.put(service, names);
            }
        });
        assertThat(unread).as("variables a compose service is given but does not read").isEmpty();
    }

    /** The fabric services' environments (with YAML merge keys resolved) after compose's interpolation. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> environments(Map<String, String> vars, List<String> profiles) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Repo.composeServices().forEach((name, service) -> {
            List<String> of = (List<String>) service.getOrDefault("profiles", List.of());
            if (!MODULES.containsKey(name) || !(of.isEmpty() || of.stream().anyMatch(profiles::contains))) {
                return;
            }
            Map<String, String> env = new LinkedHashMap<>();
            ((Map<String, Object>) service.get("environment")).forEach((k, v) -> env.put(k, interpolate(String.valueOf(v), vars)));
            out.put(name, env);
        });
        return out;
    }

    private static String interpolate(String value, Map<String, String> vars) {
        Matcher m = VAR.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null && !v.isEmpty() ? v : m.group(3) == null ? "" : m.group(3)));
        }
        m.appendTail(sb);
        return sb.toString().replace("$$", "$");
    }

    private static Map<String, String> envFile(String path) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String line : Repo.read(Repo.ROOT.resolve(path)).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 1) {
                bad.add(line);
            } else {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(bad).as(path + " lines without NAME=value").isEmpty();
        return out;
    }
}
