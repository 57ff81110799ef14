package org.svafabric.device.firmware;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.svafabric.api.topology.Topology;

/** Reads the fabric's topology at start: the file named by {@code fabric.topology}, or the default on the classpath. */
public final class TopologyLoader {
    private TopologyLoader() {
    }

    public static Topology load(String file) {
        if (file == null || file.isBlank()) {
            return Topology.loadDefault();
        }
        Path p = Path.of(file);
        try (InputStream in = Files.newInputStream(p)) {
            return Topology.load(in, p.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read topology " + p + ": " + e.getMessage(), e);
        }
    }
}
