package org.svafabric.iommu.api;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;

/**
 * Each SMMU's counters ({@code smmu.*} meters tagged {@code smmu=name}), kept as meters are registered and removed,
 * so a view reads only its own SMMU's meters. Scanning every meter of the service on each view was most of
 * {@code GET /iommu/v1/smmus}' CPU (docs/PERFORMANCE.md, issue 10): the registry also holds every URI's HTTP timers.
 */
final class SmmuMeters {
    private final Map<String, Set<Meter>> bySmmu = new ConcurrentHashMap<>();

    SmmuMeters(MeterRegistry registry) {
        registry.config().onMeterAdded(this::added).onMeterRemoved(this::removed);
        registry.getMeters().forEach(this::added);
    }

    private void added(Meter m) {
        String smmu = smmuOf(m);
        if (smmu != null) {
            bySmmu.computeIfAbsent(smmu, k -> ConcurrentHashMap.newKeySet()).add(m);
        }
    }

    private void removed(Meter m) {
        String smmu = smmuOf(m);
        Set<Meter> mine = smmu == null ? null : bySmmu.get(smmu);
        if (mine != null) {
            mine.remove(m);
        }
    }

    private static String smmuOf(Meter m) {
        return m.getId().getName().startsWith("smmu.") ? m.getId().getTag("smmu") : null;
    }

    /** This SMMU's counters by name (in name order), summed over their other tags: counts and gauges' values. */
    Map<String, Long> of(String smmu) {
        Map<String, Double> sums = new TreeMap<>();
        for (Meter m : bySmmu.getOrDefault(smmu, Set.of())) {
            for (Measurement sample : m.measure()) {
                if (sample.getStatistic() == Statistic.COUNT || sample.getStatistic() == Statistic.VALUE) {
                    sums.merge(m.getId().getName(), sample.getValue(), Double::sum);
                }
            }
        }
        Map<String, Long> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, v.longValue()));
        return out;
    }
}
