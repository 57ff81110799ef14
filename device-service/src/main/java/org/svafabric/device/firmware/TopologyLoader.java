package org.svafabric.device.firmware;

import org.svafabric.api.topology.Topology;

/**
 * Reads the fabric's topology at start: the file named by {@code fabric.topology} ({@code classpath:} for a bundled
 * one), or the default on the classpath.
 */
public final class TopologyLoader {
    private TopologyLoader() {
    }

    public static Topology load(String location) {
        return Topology.loadFrom(location);
    }
}
