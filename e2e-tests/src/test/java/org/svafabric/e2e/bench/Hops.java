package org.svafabric.e2e.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.svafabric.e2e.Fabric;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Where a benchmark row's time goes, hop by hop: the services' {@code http.server.requests} timers (each request
 * as its server saw it) counted over the row, printed as requests per run and mean server time. The difference
 * between a caller's wait and its callee's server time is the transport and the client.
 */
final class Hops {
    private static final String[] SERVICES = {"gateway", "device", "iommu", "mm"};

    private final Fabric fabric;
    private final Map<String, double[]> before;

    private Hops(Fabric fabric) {
        this.fabric = fabric;
        this.before = snapshot();
    }

    static Hops of(Fabric fabric) {
        return new Hops(fabric);
    }

    private Map<String, double[]> snapshot() {
        Map<String, double[]> out = new TreeMap<>();
        for (String service : SERVICES) {
            MeterRegistry r = fabric.bean(service, MeterRegistry.class);
            for (Timer t : r.find("http.server.requests").timers()) {
                String key = service + " " + t.getId().getTag("method") + " " + t.getId().getTag("uri");
                double[] v = out.computeIfAbsent(key, k -> new double[2]);
                v[0] += t.count();
                v[1] += t.totalTime(TimeUnit.MICROSECONDS);
            }
        }
        return out;
    }

    /**
     * Prints the requests each service served since {@link #of}, per run of the row, and returns how many requests
     * a run took in all (the services' background health checks left out): the length of the row's request chain.
     */
    double print(String row, int runs) {
        System.out.println("  hops during " + row + " (server side, per run): requests, mean us, total ms");
        double total = 0;
        for (Map.Entry<String, double[]> e : snapshot().entrySet()) {
            double[] b = before.getOrDefault(e.getKey(), new double[2]);
            double n = e.getValue()[0] - b[0];
            if (n > 0) {
                double us = e.getValue()[1] - b[1];
                System.out.printf("    %-70s %8.1f %9.0f %9.1f%n", e.getKey(), n / runs, us / n, us / 1000 / runs);
                if (!e.getKey().endsWith("/actuator/health")) {
                    total += n / runs;
                }
            }
        }
        return total;
    }
}
