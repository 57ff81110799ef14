package org.svafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java kustomize subset: small cases with known answers, and both overlays against kubectl kustomize. */
class KustomizeTest {

    @TempDir
    Path dir;

    @Test
    void generatorNamesCarryKustomizesHashSuffix() throws IOException {
        // the names `kubectl kustomize` (kustomize v5.5) gives these two: HTML characters are escaped as Go does
        write("kustomization.yaml", """
                configMapGenerator:
                - name: c
                  literals: [A=1, "B=<x&y>"]
                secretGenerator:
                - name: s
                  literals: [T=tok]
                """);
        List<Map<String, Object>> out = Kustomize.render(dir);
        assertThat(out).extracting(o -> Kustomize.meta(o).get("name")).containsExactly("c-kh7f5d858d", "s-4k2h4mgcb2");
        assertThat(out.get(0).get("data")).isEqualTo(Map.of("A", "1", "B", "<x&y>"));
        assertThat(out.get(1).get("data")).isEqualTo(Map.of("T", "dG9r"));
        assertThat(out.get(1).get("type")).isEqualTo("Opaque");
    }

    @Test
    void aLongSecretValueIsBase64InLinesOf70AsKustomizeWritesIt() throws IOException {
        write("kustomization.yaml", """
                secretGenerator:
                - name: long
                  literals: [L=0123456789012345678901234567890123456789012345678901234567890123456789]
                """);
        Map<String, Object> s = Kustomize.render(dir).get(0);
        assertThat(Kustomize.meta(s).get("name")).isEqualTo("long-ttm6g5ddtb");
        assertThat(s.get("data")).isEqualTo(Map.of("L",
                "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMT\nIzNDU2Nzg5MDEyMzQ1Njc4OQ==\n"));
    }

    @Test
    void anOverlayMergesAGeneratorAndReferencesFollowTheNewName() throws IOException {
        write("base/kustomization.yaml", """
                resources: [d.yaml]
                configMapGenerator:
                - name: env
                  literals: [A=1]
                """);
        write("base/d.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers:
                      - name: c
                        image: repo/app
                        envFrom: [{configMapRef: {name: env}}]
                """);
        write("overlay/kustomization.yaml", """
                namespace: ns
                resources: [../base]
                configMapGenerator:
                - name: env
                  behavior: merge
                  literals: [B=2]
                images:
                - {name: repo/app, newTag: "1.0"}
                replicas:
                - {name: d, count: 3}
                """);
        List<Map<String, Object>> out = Kustomize.render(dir.resolve("overlay"));
        Map<String, Object> cm = out.stream().filter(o -> o.get("kind").equals("ConfigMap")).findFirst().orElseThrow();
        assertThat(cm.get("data")).isEqualTo(Map.of("A", "1", "B", "2"));
        String name = (String) Kustomize.meta(cm).get("name");
        assertThat(name).startsWith("env-").isNotEqualTo(Kustomize.render(dir.resolve("base")).stream()
                .filter(o -> o.get("kind").equals("ConfigMap")).map(o -> Kustomize.meta(o).get("name")).findFirst().orElseThrow());
        Map<String, Object> d = out.stream().filter(o -> o.get("kind").equals("Deployment")).findFirst().orElseThrow();
        assertThat(Kustomize.meta(d).get("namespace")).isEqualTo("ns");
        assertThat(((Map<?, ?>) d.get("spec")).get("replicas")).isEqualTo(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> c = ((List<Map<String, Object>>) Kustomize.podSpec(d).get("containers")).get(0);
        assertThat(c.get("image")).isEqualTo("repo/app:1.0");
        assertThat(c.get("envFrom")).isEqualTo(List.of(Map.of("configMapRef", Map.of("name", name))));
    }

    @Test
    void aStrategicMergeMergesListsByTheirKeyPatchElementsFirst() {
        Map<String, Object> original = Kustomize.parseAll("""
                spec:
                  template:
                    spec:
                      containers:
                      - name: c1
                        image: x
                        env: [{name: A, value: a}, {name: B, value: b}, {name: C, value: c}]
                        ports: [{containerPort: 1, name: p1}]
                        args: [one, two]
                      - name: c2
                        image: y
                      volumes: [{name: v1, emptyDir: {}}]
                """).get(0);
        Map<String, Object> patch = Kustomize.parseAll("""
                spec:
                  template:
                    spec:
                      containers:
                      - name: c1
                        env: [{name: C, value: c2}, {name: X, value: x}]
                        ports: [{containerPort: 2, name: p2}]
                        args: [three]
                        image: null
                      volumes: [{name: v2, emptyDir: {}}]
                """).get(0);
        // what kubectl kustomize (v5.5) makes of the same
        Map<String, Object> expected = Kustomize.parseAll("""
                spec:
                  template:
                    spec:
                      containers:
                      - name: c1
                        env: [{name: C, value: c2}, {name: X, value: x}, {name: A, value: a}, {name: B, value: b}]
                        ports: [{containerPort: 2, name: p2}, {containerPort: 1, name: p1}]
                        args: [three]
                      - name: c2
                        image: y
                      volumes: [{name: v2, emptyDir: {}}, {name: v1, emptyDir: {}}]
                """).get(0);
        assertThat(StrategicMerge.apply(original, patch)).isEqualTo(expected);
    }

    @Test
    void whatItDoesNotRenderFails() throws IOException {
        write("kustomization.yaml", "commonLabels: {a: b}\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("'commonLabels' is not rendered here");
        write("kustomization.yaml", "labels: [{pairs: {a: b}, includeSelectors: true}]\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("includeSelectors");
        write("kustomization.yaml", "patches: [{path: p.yaml, target: {kind: Deployment}}]\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("'target' is not rendered here");
        write("kustomization.yaml", "images: [{name: nothing/here, newTag: '1'}]\n");
        assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("no container runs nothing/here");
        assertThatThrownBy(() -> StrategicMerge.apply(Map.of(), Map.of("$patch", "replace")))
                .hasMessageContaining("$patch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "scaled"})
    void rendersEachOverlayAsKubectlKustomizeDoes(String overlay) throws Exception {
        Path path = Repo.K8S.resolve("overlays").resolve(overlay);
        String kubectl = kubectlKustomize(path);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH: the Java rendering is not compared with kustomize's");
        Map<String, Map<String, Object>> ours = byId(Kustomize.render(path));
        Map<String, Map<String, Object>> theirs = byId(Kustomize.parseAll(kubectl));
        assertThat(ours.keySet()).isEqualTo(theirs.keySet());
        List<String> differences = new ArrayList<>();
        ours.forEach((id, o) -> diff(id, o, theirs.get(id), differences));
        assertThat(differences).as("Java rendering vs kubectl kustomize").isEmpty();
    }

    /** Where two trees differ, path by path (ours, then kubectl's). */
    private static void diff(String path, Object a, Object b, List<String> out) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            java.util.Set<Object> keys = new java.util.TreeSet<>(java.util.Comparator.comparing(String::valueOf));
            keys.addAll(ma.keySet());
            keys.addAll(mb.keySet());
            keys.forEach(k -> diff(path + "." + k, ma.get(k), mb.get(k), out));
        } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
            for (int i = 0; i < la.size(); i++) {
                diff(path + "[" + i + "]", la.get(i), lb.get(i), out);
            }
        } else if (!java.util.Objects.equals(a, b)) {
            out.add(path + ": " + a + " vs " + b);
        }
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> o : objects) {
            Map<String, Object> meta = Kustomize.meta(o);
            assertThat(out.put(o.get("kind") + "/" + meta.get("namespace") + "/" + meta.get("name"), o)).isNull();
        }
        return out;
    }

    /** kubectl kustomize's output, or null when there is no kubectl. */
    static String kubectlKustomize(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException notInstalled) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize " + dir).isZero();
        return out;
    }

    private void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
