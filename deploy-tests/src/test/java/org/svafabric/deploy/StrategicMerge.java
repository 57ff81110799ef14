package org.svafabric.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A strategic-merge patch as kustomize applies one: maps merge key by key (a null value removes the key); the lists
 * Kubernetes gives a merge key (containers and volumes by name, env by name, container ports by containerPort,
 * Service ports by port, volume mounts by mountPath) merge element by element, the patch's elements first in its
 * order, then the original's others in theirs; every other list is replaced. Patch directives ({@code $patch},
 * {@code $setElementOrder/...}, {@code $retainKeys}) are not rendered: they fail.
 */
final class StrategicMerge {

    private StrategicMerge() {
    }

    static Map<String, Object> apply(Map<String, Object> original, Map<String, Object> patch) {
        return mergeMap(original, patch, "");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mergeMap(Map<String, Object> original, Map<String, Object> patch, String path) {
        Map<String, Object> out = new LinkedHashMap<>(original);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("$")) {
                throw new IllegalArgumentException("patch directive " + key + " at " + path + " is not rendered here");
            }
            Object p = e.getValue();
            Object o = out.get(key);
            if (p == null) {
                out.remove(key);
            } else if (p instanceof Map<?, ?> pm && o instanceof Map<?, ?> om) {
                out.put(key, mergeMap((Map<String, Object>) om, (Map<String, Object>) pm, path + "/" + key));
            } else if (p instanceof List<?> pl && o instanceof List<?> ol && mergeKey(path, key) != null) {
                out.put(key, mergeList((List<Object>) ol, (List<Object>) pl, mergeKey(path, key), path + "/" + key));
            } else {
                out.put(key, p);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> mergeList(List<Object> original, List<Object> patch, String mergeKey, String path) {
        List<Object> out = new ArrayList<>();
        List<Object> rest = new ArrayList<>(original);
        for (Object p : patch) {
            Map<String, Object> pm = (Map<String, Object>) p;
            Object id = pm.get(mergeKey);
            if (id == null) {
                throw new IllegalArgumentException(path + ": an element without its merge key " + mergeKey);
            }
            Map<String, Object> match = (Map<String, Object>) rest.stream()
                    .filter(o -> Objects.equals(((Map<String, Object>) o).get(mergeKey), id)).findFirst().orElse(null);
            if (match == null) {
                out.add(pm);
            } else {
                rest.remove(match);
                out.add(mergeMap(match, pm, path + "[" + id + "]"));
            }
        }
        out.addAll(rest);
        return out;
    }

    /** Kubernetes' patchMergeKey of the list {@code key} in the object at {@code path}, or null: replace it. */
    private static String mergeKey(String path, String key) {
        boolean inContainer = path.matches(".*/(containers|initContainers)\\[[^/]*]");
        return switch (key) {
            case "containers", "initContainers", "volumes", "imagePullSecrets" -> "name";
            case "env" -> inContainer ? "name" : null;
            case "volumeMounts" -> inContainer ? "mountPath" : null;
            case "ports" -> inContainer ? "containerPort" : path.endsWith("/spec") ? "port" : null;
            default -> null;
        };
    }
}
