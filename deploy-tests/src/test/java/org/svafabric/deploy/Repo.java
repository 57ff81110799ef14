package org.svafabric.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository around the build: deploy/k8s, the Dockerfiles, docker-compose.yml. */
final class Repo {

    static final Path ROOT = findRoot();
    static final Path K8S = ROOT.resolve("deploy/k8s");

    private Repo() {
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s")) && Files.exists(p.resolve("docker-compose.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (deploy/k8s, docker-compose.yml) above " + Path.of("").toAbsolutePath());
    }

    /** What a module's Dockerfile says about the image it builds. */
    record Dockerfile(String module, int exposedPort, long uid, String jar) {
        static Dockerfile of(String module) {
            String text = read(ROOT.resolve(module).resolve("Dockerfile"));
            return new Dockerfile(module, Integer.parseInt(group(text, "(?m)^EXPOSE\\s+(\\d+)\\s*$")),
                    Long.parseLong(group(text, "useradd[^\\n]*--uid\\s+(\\d+)")),
                    group(text, "(?m)^COPY\\s+(\\S+\\.jar)\\s"));
        }
    }

    /** docker-compose.yml's services: name to the service's map. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> composeServices() {
        Map<String, Object> compose = Kustomize.loadAll(ROOT.resolve("docker-compose.yml")).get(0);
        return new LinkedHashMap<>((Map<String, Map<String, Object>>) compose.get("services"));
    }

    /** The image docker-compose.yml builds from {@code <module>/Dockerfile} (every compose service that does agrees). */
    @SuppressWarnings("unchecked")
    static String composeImageOf(String module) {
        List<String> images = composeServices().values().stream()
                .filter(s -> s.get("build") instanceof Map<?, ?> b && (module + "/Dockerfile").equals(((Map<String, Object>) b).get("dockerfile")))
                .map(s -> (String) s.get("image")).distinct().toList();
        if (images.size() != 1) {
            throw new AssertionError("docker-compose.yml builds " + module + "/Dockerfile as " + images);
        }
        return images.get(0);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("Dockerfile without " + regex);
        }
        return m.group(1);
    }
}
