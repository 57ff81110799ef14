package org.svafabric.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of kustomize that deploy/k8s uses, in Java, so that the build renders the overlays without kubectl:
 * {@code resources} (files and directories), {@code namespace}, {@code labels} (without selectors),
 * {@code configMapGenerator} / {@code secretGenerator} ({@code literals}, {@code files}, {@code behavior}) with
 * kustomize's content-hash name suffix and the references to it, {@code patches} (strategic merge on a named
 * object, {@link StrategicMerge}), {@code replicas} and {@code images}. Anything else in a kustomization fails,
 * so a manifest cannot quietly use what this does not render ({@code KustomizeTest} compares it with
 * {@code kubectl kustomize} where kubectl is installed).
 */
final class Kustomize {

    private static final Set<String> KEYS = Set.of("apiVersion", "kind", "resources", "namespace", "labels",
            "configMapGenerator", "secretGenerator", "patches", "images", "replicas");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PersistentVolume", "StorageClass", "CustomResourceDefinition", "PriorityClass");
    private static final Set<String> NAMESPACED = Set.of("ConfigMap", "Secret", "Service", "Deployment",
            "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "PersistentVolumeClaim", "ServiceAccount",
            "Role", "RoleBinding", "PodDisruptionBudget", "Ingress", "NetworkPolicy");
    private static final Set<String> POD_TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet",
            "ReplicaSet", "Job");
    private static final Set<String> SCALABLE = Set.of("Deployment", "StatefulSet", "ReplicaSet");

    /** A resource and what kustomize knows of it beside its content: a generator's name before the suffix. */
    private static final class Res {
        Map<String, Object> body;
        final String generatedName;   // null: not generated

        Res(Map<String, Object> body, String generatedName) {
            this.body = body;
            this.generatedName = generatedName;
        }

        String kind() {
            return (String) body.get("kind");
        }

        String name() {
            return (String) meta(body).get("name");
        }

        String namespace() {
            return (String) meta(body).get("namespace");
        }
    }

    private Kustomize() {
    }

    /** The rendered objects of the kustomization in {@code dir}, as kubectl kustomize prints them (unordered). */
    static List<Map<String, Object>> render(Path dir) {
        List<Res> all = build(dir);
        suffixGeneratedNames(all);
        return all.stream().map(r -> r.body).toList();
    }

    private static List<Res> build(Path dir) {
        Map<String, Object> k = kustomization(dir);
        List<Res> res = new ArrayList<>();
        for (String entry : strings(k, "resources")) {
            Path p = dir.resolve(entry).normalize();
            if (Files.isDirectory(p)) {
                res.addAll(build(p));
            } else {
                for (Map<String, Object> doc : loadAll(p)) {
                    res.add(new Res(doc, null));
                }
            }
        }
        for (Map<String, Object> g : maps(k, "configMapGenerator")) {
            generate(res, dir, g, "ConfigMap");
        }
        for (Map<String, Object> g : maps(k, "secretGenerator")) {
            generate(res, dir, g, "Secret");
        }
        for (Map<String, Object> p : maps(k, "patches")) {
            only(p, "patches", Set.of("path"));
            for (Map<String, Object> patch : loadAll(dir.resolve(str(p, "path")))) {
                Res target = find(res, (String) patch.get("kind"), (String) meta(patch).get("name"));
                target.body = StrategicMerge.apply(target.body, patch);
            }
        }
        if (k.containsKey("namespace")) {
            String ns = str(k, "namespace");
            for (Res r : res) {
                if (NAMESPACED.contains(r.kind())) {
                    meta(r.body).put("namespace", ns);
                } else if (!CLUSTER_SCOPED.contains(r.kind())) {
                    throw new IllegalArgumentException("namespace: unknown scope of kind " + r.kind());
                }
            }
        }
        for (Map<String, Object> l : maps(k, "labels")) {
            only(l, "labels", Set.of("pairs", "includeSelectors", "includeTemplates"));
            if (Boolean.TRUE.equals(l.get("includeSelectors"))) {
                throw new IllegalArgumentException("labels: includeSelectors is not rendered here");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> pairs = (Map<String, Object>) l.get("pairs");
            boolean templates = Boolean.TRUE.equals(l.get("includeTemplates"));
            for (Res r : res) {
                child(meta(r.body), "labels").putAll(pairs);
                if (templates && POD_TEMPLATE_KINDS.contains(r.kind())) {
                    child(meta(child(child(r.body, "spec"), "template")), "labels").putAll(pairs);
                }
            }
        }
        for (Map<String, Object> rep : maps(k, "replicas")) {
            only(rep, "replicas", Set.of("name", "count"));
            List<Res> hits = res.stream().filter(r -> SCALABLE.contains(r.kind()) && r.name().equals(rep.get("name"))).toList();
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("replicas: nothing named " + rep.get("name"));
            }
            hits.forEach(r -> child(r.body, "spec").put("replicas", rep.get("count")));
        }
        for (Map<String, Object> img : maps(k, "images")) {
            only(img, "images", Set.of("name", "newName", "newTag"));
            if (setImages(res, img) == 0) {
                throw new IllegalArgumentException("images: no container runs " + img.get("name"));
            }
        }
        return res;
    }

    private static void generate(List<Res> res, Path dir, Map<String, Object> g, String kind) {
        only(g, kind + " generator", Set.of("name", "behavior", "literals", "files"));
        String name = str(g, "name");
        Map<String, String> data = new LinkedHashMap<>();
        for (String lit : strings(g, "literals")) {
            int eq = lit.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("literal without key=value: " + lit);
            }
            data.put(lit.substring(0, eq), lit.substring(eq + 1));
        }
        for (String f : strings(g, "files")) {
            int eq = f.indexOf('=');
            Path file = dir.resolve(eq < 0 ? f : f.substring(eq + 1));
            String key = eq < 0 ? file.getFileName().toString() : f.substring(0, eq);
            try {
                data.put(key, Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String behavior = g.containsKey("behavior") ? str(g, "behavior") : "create";
        Res existing = res.stream().filter(r -> kind.equals(r.kind()) && name.equals(r.generatedName)).findFirst().orElse(null);
        switch (behavior) {
            case "create" -> {
                if (existing != null) {
                    throw new IllegalArgumentException(kind + " " + name + " is generated twice (behavior: merge or replace?)");
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("apiVersion", "v1");
                body.put("kind", kind);
                body.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
                body.put("data", encode(kind, data));
                if (kind.equals("Secret")) {
                    body.put("type", "Opaque");
                }
                res.add(new Res(body, name));
            }
            case "merge", "replace" -> {
                if (existing == null) {
                    throw new IllegalArgumentException(kind + " " + name + ": nothing to " + behavior);
                }
                Map<String, Object> merged = behavior.equals("merge") ? child(existing.body, "data") : new LinkedHashMap<>();
                merged.putAll(encode(kind, data));
                existing.body.put("data", merged);
            }
            default -> throw new IllegalArgumentException("behavior " + behavior);
        }
    }

    private static Map<String, Object> encode(String kind, Map<String, String> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, kind.equals("Secret") ? base64(v) : v));
        return out;
    }

    /** Base64 as kustomize writes a Secret's value: past 70 characters, in lines of 70, each ending in a newline. */
    static String base64(String value) {
        String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        if (b64.length() <= 70) {
            return b64;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b64.length(); i += 70) {
            sb.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static int setImages(List<Res> res, Map<String, Object> img) {
        int hits = 0;
        for (Res r : res) {
            Map<String, Object> spec = podSpec(r.body);
            if (spec == null) {
                continue;
            }
            for (String list : List.of("initContainers", "containers")) {
                for (Map<String, Object> c : (List<Map<String, Object>>) spec.getOrDefault(list, List.of())) {
                    String image = (String) c.get("image");
                    int colon = image.lastIndexOf(':');
                    boolean tagged = colon > image.lastIndexOf('/');
                    String repo = tagged ? image.substring(0, colon) : image;
                    if (image.contains("@") || !repo.equals(img.get("name"))) {
                        continue;
                    }
                    String name = img.containsKey("newName") ? (String) img.get("newName") : repo;
                    String tag = img.containsKey("newTag") ? String.valueOf(img.get("newTag")) : tagged ? image.substring(colon + 1) : null;
                    c.put("image", tag == null ? name : name + ":" + tag);
                    hits++;
                }
            }
        }
        return hits;
    }

    /** Generated names get kustomize's hash suffix, and every reference to them in a pod spec follows. */
    @SuppressWarnings("unchecked")
    private static void suffixGeneratedNames(List<Res> all) {
        Map<String, String> renamed = new TreeMap<>();   // kind/namespace/name -> suffixed name
        for (Res r : all) {
            if (r.generatedName != null) {
                String suffixed = r.generatedName + "-" + hash(r.body);
                renamed.put(r.kind() + "/" + r.namespace() + "/" + r.generatedName, suffixed);
                meta(r.body).put("name", suffixed);
            }
        }
        for (Res r : all) {
            Map<String, Object> spec = podSpec(r.body);
            if (spec == null) {
                continue;
            }
            String ns = r.namespace();
            for (Map<String, Object> v : (List<Map<String, Object>>) spec.getOrDefault("volumes", List.of())) {
                rename(renamed, "ConfigMap", ns, (Map<String, Object>) v.get("configMap"), "name");
                rename(renamed, "Secret", ns, (Map<String, Object>) v.get("secret"), "secretName");
                if (v.containsKey("projected")) {
                    throw new IllegalArgumentException("projected volumes are not rendered here");
                }
            }
            for (String list : List.of("initContainers", "containers")) {
                for (Map<String, Object> c : (List<Map<String, Object>>) spec.getOrDefault(list, List.of())) {
                    for (Map<String, Object> e : (List<Map<String, Object>>) c.getOrDefault("envFrom", List.of())) {
                        rename(renamed, "ConfigMap", ns, (Map<String, Object>) e.get("configMapRef"), "name");
                        rename(renamed, "Secret", ns, (Map<String, Object>) e.get("secretRef"), "name");
                    }
                    for (Map<String, Object> e : (List<Map<String, Object>>) c.getOrDefault("env", List.of())) {
                        Map<String, Object> from = (Map<String, Object>) e.get("valueFrom");
                        if (from != null) {
                            rename(renamed, "ConfigMap", ns, (Map<String, Object>) from.get("configMapKeyRef"), "name");
                            rename(renamed, "Secret", ns, (Map<String, Object>) from.get("secretKeyRef"), "name");
                        }
                    }
                }
            }
        }
    }

    private static void rename(Map<String, String> renamed, String kind, String ns, Map<String, Object> ref, String field) {
        if (ref != null) {
            String to = renamed.get(kind + "/" + ns + "/" + ref.get(field));
            if (to != null) {
                ref.put(field, to);
            }
        }
    }

    /**
     * kustomize's name suffix (its api/hasher): SHA-256 of the JSON of {kind, name, data} (Secret: and type) with
     * sorted keys, as Go's encoding/json writes it, its first 10 hex digits with 0, 1, 3, a, e replaced (no vowels, no
     * look-alikes). The name it hashes is always empty (see below), so two generators with the same data share it.
     */
    static String hash(Map<String, Object> body) {
        Map<String, Object> m = new TreeMap<>();
        m.put("kind", body.get("kind"));
        // kustomize looks the name up as the one field "metadata/name", which no object has: it hashes ""
        m.put("name", "");
        m.put("data", body.getOrDefault("data", ""));
        if ("Secret".equals(body.get("kind"))) {
            m.put("type", body.get("type"));
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(goJson(m).getBytes(StandardCharsets.UTF_8));
            char[] enc = HexFormat.of().formatHex(sha).substring(0, 10).toCharArray();
            for (int i = 0; i < enc.length; i++) {
                enc[i] = switch (enc[i]) {
                    case '0' -> 'g';
                    case '1' -> 'h';
                    case '3' -> 'k';
                    case 'a' -> 'm';
                    case 'e' -> 't';
                    default -> enc[i];
                };
            }
            return new String(enc);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON as Go's json.Marshal writes a map of strings: keys sorted, HTML characters escaped. */
    @SuppressWarnings("unchecked")
    static String goJson(Object o) {
        if (o instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{");
            new TreeMap<>((Map<String, Object>) map).forEach((k, v) -> {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append(goJson(k)).append(':').append(goJson(v));
            });
            return sb.append('}').toString();
        }
        if (o instanceof String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').toString();
        }
        throw new IllegalArgumentException("not a string: " + o);
    }

    private static Res find(List<Res> res, String kind, String name) {
        List<Res> hits = res.stream().filter(r -> r.kind().equals(kind) && name.equals(
                r.generatedName != null ? r.generatedName : r.name())).toList();
        if (hits.size() != 1) {
            throw new IllegalArgumentException("patch target " + kind + " " + name + ": " + hits.size() + " objects");
        }
        return hits.get(0);
    }

    /** The pod spec of a workload (its template's) or of a Pod; null for other kinds. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> podSpec(Map<String, Object> body) {
        Object kind = body.get("kind");
        Map<String, Object> spec = (Map<String, Object>) body.get("spec");
        if (spec == null) {
            return null;
        }
        if ("Pod".equals(kind)) {
            return spec;
        }
        if (POD_TEMPLATE_KINDS.contains(kind)) {
            return (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        }
        return null;
    }

    private static Map<String, Object> kustomization(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        List<Map<String, Object>> docs = loadAll(file);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(file + ": one document expected");
        }
        Map<String, Object> k = docs.get(0);
        only(k, file.toString(), KEYS);
        return k;
    }

    static List<Map<String, Object>> loadAll(Path file) {
        try {
            return parseAll(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                out.add((Map<String, Object>) doc);
            }
        }
        return out;
    }

    private static void only(Map<String, Object> m, String where, Set<String> allowed) {
        for (String key : m.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where + ": '" + key + "' is not rendered here (only " + new TreeSet<>(allowed) + ")");
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> meta(Map<String, Object> body) {
        return child(body, "metadata");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> child(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.computeIfAbsent(key, k -> new LinkedHashMap<>());
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + key + "' must be a string: " + v);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> m, String key) {
        return (List<String>) m.getOrDefault(key, List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.getOrDefault(key, List.of());
    }
}
