package org.svafabric.api.events.migration;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The event log's table, one migration for every service: {@value #SCRIPT} ships once, in fabric-api, and each
 * service's Flyway sees it beside its own migrations as {@code V<version>__event_log.sql}, at the version its
 * history already has it (mm-service 0.1, the others 1; {@code fabric.event-log.migration-version}). Version,
 * description ("event log"), type (SQL) and content are those of the copies the services used to carry, so
 * Flyway's validation of databases that applied them finds the same checksum and nothing to migrate.
 *
 * <p>Flyway reads the service's own locations through this provider too (its scanner is replaced once a
 * provider is set): classpath and filesystem locations, listed with Spring's resource resolver.
 */
public final class EventLogMigration implements FlywayConfigurationCustomizer {
    /** The shared script, outside every Flyway location so that no scan finds it under its own name. */
    public static final String SCRIPT = "db/event-log/event_log.sql";
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    private final String version;

    /** {@code version}: the event log's migration version in this service's history, e.g. "1" or "0.1". */
    public EventLogMigration(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("fabric.event-log.migration-version must be a Flyway version such as 1 or 0.1, not " + version);
        }
        this.version = version;
    }

    /** The name Flyway sees the shared script under: V1__event_log.sql, V0_1__event_log.sql. */
    public String scriptName() {
        return "V" + version.replace('.', '_') + "__event_log.sql";
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.resourceProvider(new Provider(configuration.getLocations(), configuration.getClassLoader()));
    }

    /** The service's own locations plus the shared script under its versioned name. */
    private final class Provider implements ResourceProvider {
        private final Location[] locations;
        private final ResourcePatternResolver resolver;
        private final ClassLoader classLoader;

        Provider(Location[] locations, ClassLoader classLoader) {
            this.locations = locations.clone();
            this.classLoader = classLoader;
            this.resolver = new PathMatchingResourcePatternResolver(classLoader);
        }

        @Override
        public LoadableResource getResource(String name) {
            for (LoadableResource r : all()) {
                if (r.getRelativePath().equals(name) || r.getFilename().equals(name)) {
                    return r;
                }
            }
            return null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String... suffixes) {
            List<LoadableResource> out = new ArrayList<>();
            for (LoadableResource r : all()) {
                String name = r.getFilename();
                if (name.startsWith(prefix) && endsWithAny(name, suffixes)) {
                    out.add(r);
                }
            }
            return out;
        }

        private List<LoadableResource> all() {
            List<LoadableResource> out = new ArrayList<>();
            for (Location l : locations) {
                String root = l.isClassPath() ? "classpath*:" + l.getRootPath() : l.isFileSystem() ? "file:" + l.getRootPath() : null;
                if (root == null) {
                    throw new IllegalStateException("Flyway location " + l + " is neither classpath nor filesystem");
                }
                try {
                    for (Resource r : resolver.getResources(root + "/**/*")) {
                        String relative = relativeTo(r, l.getRootPath());
                        if (r.isReadable() && relative != null) {
                            out.add(new Script(r, relative, l.getRootPath() + "/" + relative));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("listing Flyway location " + l, e);
                }
            }
            out.add(new Script(new ClassPathResource(SCRIPT, classLoader), scriptName(), SCRIPT));
            return out;
        }
    }

    /** The part of {@code r}'s URL after the location's root, or null when it is not below it. */
    private static String relativeTo(Resource r, String root) throws IOException {
        String url = r.getURL().toString();
        int at = url.lastIndexOf(root.endsWith("/") ? root : root + "/");
        return at < 0 ? null : url.substring(at + root.length() + (root.endsWith("/") ? 0 : 1));
    }

    private static boolean endsWithAny(String name, String... suffixes) {
        for (String s : suffixes) {
            if (name.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** A script as Flyway reads it: by name (which carries the version), relative path and content. */
    private static final class Script extends LoadableResource {
        private final Resource resource;
        private final String relativePath;
        private final String absolutePath;

        Script(Resource resource, String relativePath, String absolutePath) {
            this.resource = resource;
            this.relativePath = relativePath;
            this.absolutePath = absolutePath;
        }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + absolutePath, e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return absolutePath;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            try {
                return resource.getURL().getPath();
            } catch (IOException e) {
                return absolutePath;
            }
        }

        @Override
        public String getFilename() {
            int slash = relativePath.lastIndexOf('/');
            return slash < 0 ? relativePath : relativePath.substring(slash + 1);
        }

        @Override
        public String getRelativePath() {
            return relativePath;
        }
    }
}
