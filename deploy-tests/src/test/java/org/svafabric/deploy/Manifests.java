package org.svafabric.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * A rendered overlay as fabric8's typed Kubernetes models. Loading is strict: a kind or apiVersion not modelled
 * here fails, a field that is not the model's (which fabric8 would keep in {@code additionalProperties}) fails with
 * its path, and so does a scalar of the wrong type (no coercion of "3" to 3).
 */
record Manifests(String overlay, List<HasMetadata> objects) {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class);

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    static Manifests of(Path overlay) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> doc : Kustomize.render(overlay)) {
            objects.add(typed(doc));
        }
        return new Manifests(overlay.getFileName().toString(), List.copyOf(objects));
    }

    /** One document as its model class; fails on anything the model does not hold. */
    static HasMetadata typed(Map<String, Object> doc) {
        String key = doc.get("apiVersion") + "/" + doc.get("kind");
        Class<? extends HasMetadata> type = KINDS.get(key);
        if (type == null) {
            throw new IllegalArgumentException("no typed model here for " + key);
        }
        HasMetadata o = STRICT.convertValue(doc, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(o, key + " " + o.getMetadata().getName(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("fields the Kubernetes model does not have: " + unknown);
        }
        return o;
    }

    /** Every non-empty {@code additionalProperties} below {@code o}: fields Jackson could not bind. */
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v;
                try {
                    v = f.get(o);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.getName().equals("additionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> out.add(path + "." + k));
                    }
                } else {
                    unknownFields(v, path + "." + f.getName(), out, seen);
                }
            }
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> hits = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        if (hits.size() != 1) {
            throw new AssertionError(overlay + ": " + hits.size() + " " + type.getSimpleName() + " named " + name);
        }
        return hits.get(0);
    }

    /** A workload: a Deployment or StatefulSet, by what a check needs of it. */
    record Workload(HasMetadata object, int replicas, Map<String, String> selector, PodTemplateSpec template) {
        String name() {
            return object.getMetadata().getName();
        }

        String namespace() {
            return object.getMetadata().getNamespace();
        }

        List<Container> containers() {
            return template.getSpec().getContainers();
        }

        Container container(String name) {
            return containers().stream().filter(c -> c.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name() + " has no container " + name));
        }
    }

    List<Workload> workloads() {
        return Stream.concat(
                all(Deployment.class).stream().map(d -> new Workload(d, d.getSpec().getReplicas(),
                        d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate())),
                all(StatefulSet.class).stream().map(s -> new Workload(s, s.getSpec().getReplicas(),
                        s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate()))).toList();
    }

    Workload workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no workload " + name));
    }

    static final Set<String> FABRIC_SERVICES = Set.of("mm-service", "iommu-service", "device-service", "gateway");
}
