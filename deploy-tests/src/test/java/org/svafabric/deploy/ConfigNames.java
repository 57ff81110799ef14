package org.svafabric.deploy;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.unit.DataSize;

/**
 * The environment variables a service reads, found where its configuration is declared, at test time (so a name a
 * service stops reading fails the manifests that still set it):
 * <ul>
 * <li>the {@code ${NAME:default}} placeholders of its {@code <module>*.yml};</li>
 * <li>Spring's relaxed binding of every key of those files ({@code management.endpoint.health.probes.enabled} is
 * {@code MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED}) and of the properties behind a {@code ${property}} placeholder;</li>
 * <li>the same of its {@code @ConfigurationProperties} records (components, nested records, list indexes:
 * {@code fabric.security.tokens[0].sha256} is {@code FABRIC_SECURITY_TOKENS_0_SHA256}) and {@code @Value}
 * placeholders, in its own package and in fabric-api's, which every service runs;</li>
 * <li>and two names read elsewhere: {@code SPRING_PROFILES_ACTIVE} (Spring Boot; its profile's yml must exist) and
 * {@code JAVA_TOOL_OPTIONS} (the JVM).</li>
 * </ul>
 */
final class ConfigNames {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Set<Class<?>> LEAVES = Set.of(String.class, Boolean.class, Integer.class, Long.class,
            Double.class, Float.class, Short.class, Byte.class, Duration.class, DataSize.class, Path.class,
            java.net.URI.class, java.math.BigDecimal.class, java.math.BigInteger.class, Character.class);
    static final Set<String> OUTSIDE_SPRING_CONFIG = Set.of("JAVA_TOOL_OPTIONS", "SPRING_PROFILES_ACTIVE");

    private final String module;
    private final Set<String> exact = new TreeSet<>();
    private final List<Pattern> patterns = new ArrayList<>();

    private ConfigNames(String module) {
        this.module = module;
    }

    /** What {@code module} (mm-service, iommu-service, device-service, gateway) reads. */
    static ConfigNames of(Path root, String module) {
        ConfigNames names = new ConfigNames(module);
        names.exact.addAll(OUTSIDE_SPRING_CONFIG);
        for (Path yml : ymlFiles(root, module)) {
            for (Map<String, Object> doc : Kustomize.loadAll(yml)) {
                names.flatten("", doc);
            }
        }
        for (String pkg : List.of("org.svafabric.api", "org.svafabric." + module.replace("-service", ""))) {
            for (Class<?> c : classes(pkg)) {
                ConfigurationProperties cp = AnnotationUtils.findAnnotation(c, ConfigurationProperties.class);
                if (cp != null) {
                    names.bind(prefix(cp), c);
                }
                names.values(c);
            }
        }
        return names;
    }

    /** Its {@code <module>.yml} and profile files {@code <module>-<profile>.yml}. */
    static List<Path> ymlFiles(Path root, String module) {
        Path dir = root.resolve(module).resolve("src/main/resources");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(Pattern.quote(module) + "(-[a-z0-9]+)?\\.yml"))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    boolean reads(String env) {
        return exact.contains(env) || patterns.stream().anyMatch(p -> p.matcher(env).matches());
    }

    @Override
    public String toString() {
        return module + " reads " + exact + " and " + patterns;
    }

    /** Spring's environment-variable form of a property name: fabric.service-token is FABRIC_SERVICETOKEN. */
    static String envOf(String property) {
        return property.replace("-", "").replace("[", ".").replace("]", "").replace('.', '_').toUpperCase();
    }

    @SuppressWarnings("unchecked")
    private void flatten(String prefix, Object node) {
        if (node instanceof Map<?, ?> m) {
            ((Map<Object, Object>) m).forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v));
            return;
        }
        exact.add(envOf(prefix));
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i));
            }
        } else if (node instanceof String s) {
            placeholders(s);
        }
    }

    private void placeholders(String s) {
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            String name = m.group(1).trim();
            exact.add(ENV_NAME.matcher(name).matches() ? name : envOf(name));
        }
    }

    private static String prefix(ConfigurationProperties cp) {
        return !cp.prefix().isEmpty() ? cp.prefix() : cp.value();
    }

    /** The names of a {@code @ConfigurationProperties} record under {@code prefix}. */
    private void bind(String prefix, Class<?> type) {
        bindType(envOf(prefix), type, type, 0);
    }

    private void bindType(String env, Type generic, Class<?> raw, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("configuration properties nest too deep at " + env);
        }
        if (raw.isPrimitive() || raw.isEnum() || LEAVES.contains(raw)) {
            exact.add(env);
        } else if (raw.isRecord()) {
            for (RecordComponent rc : raw.getRecordComponents()) {
                String name = env + "_" + rc.getName().toUpperCase();
                bindType(name, rc.getGenericType(), rc.getType(), depth + 1);
            }
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            exact.add(env);   // a comma-separated list
            Type element = raw.isArray() ? raw.getComponentType() : typeArgument(generic, 0);
            bindType(env + "_#", element, rawOf(element), depth + 1);
        } else if (Map.class.isAssignableFrom(raw)) {
            patterns.add(Pattern.compile(Pattern.quote(env) + "_[A-Z0-9_]+"));
        } else {
            // a JavaBean or another type Spring converts: the name and anything below it
            patterns.add(Pattern.compile(Pattern.quote(env) + "(_[A-Z0-9_]+)?"));
        }
        // list indexes: FOO_#_BAR is FOO_<n>_BAR
        exact.removeIf(n -> {
            if (n.contains("#")) {
                patterns.add(Pattern.compile(Pattern.quote(n).replace("#", "\\E[0-9]+\\Q")));
                return true;
            }
            return false;
        });
    }

    private static Type typeArgument(Type generic, int i) {
        return generic instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : String.class;
    }

    private static Class<?> rawOf(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    /** {@code @Value("${property:default}")} on fields, constructor and method parameters and methods. */
    private void values(Class<?> c) {
        List<AnnotatedElement> elements = new ArrayList<>(List.of(c.getDeclaredFields()));
        List<Executable> executables = new ArrayList<>(List.of(c.getDeclaredConstructors()));
        executables.addAll(List.of(c.getDeclaredMethods()));
        for (Executable e : executables) {
            elements.add(e);
            for (Parameter p : e.getParameters()) {
                elements.add(p);
            }
        }
        for (AnnotatedElement e : elements) {
            Value v = e.getAnnotation(Value.class);
            if (v != null) {
                placeholders(v.value());
            }
        }
    }

    private static List<Class<?>> classes(String pkg) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition beanDefinition) {
                return true;
            }
        };
        scanner.addIncludeFilter((reader, factory) -> true);
        List<Class<?>> out = new ArrayList<>();
        for (BeanDefinition bd : scanner.findCandidateComponents(pkg)) {
            try {
                out.add(Class.forName(bd.getBeanClassName(), false, ConfigNames.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + bd.getBeanClassName(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no classes in " + pkg + " on the test classpath");
        }
        return out;
    }
}
