package org.svafabric.iommu.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Each SMMU's counters as the SMMU view shows them, kept as meters come and go. */
class SmmuMetersTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void anSmmusCountersAreSummedOverTheirOtherTagsAndNoOtherMeterIsRead() {
        registry.counter("smmu.pri.requests", "smmu", "smmu0", "device", "a").increment(3);
        registry.counter("smmu.pri.requests", "smmu", "smmu0", "device", "b").increment(4);
        registry.counter("smmu.pri.requests", "smmu", "smmu1", "device", "c").increment(100);
        registry.counter("http.requests", "smmu", "smmu0").increment(9);
        AtomicInteger depth = registry.gauge("smmu.priq.depth", Tags.of("smmu", "smmu0"), new AtomicInteger(5));

        SmmuMeters meters = new SmmuMeters(registry);

        assertThat(meters.of("smmu0")).containsExactly(
                entry("smmu.pri.requests", 7L),
                entry("smmu.priq.depth", 5L));
        assertThat(meters.of("smmu1")).containsOnlyKeys("smmu.pri.requests").containsValue(100L);
        assertThat(meters.of("smmu9")).isEmpty();
        assertThat(depth).hasValue(5);
    }

    @Test
    void aMeterRegisteredLaterIsSeenAndARemovedOneIsGone() {
        SmmuMeters meters = new SmmuMeters(registry);
        Counter c = registry.counter("smmu.cmdq.commands", "smmu", "smmu0");
        c.increment(2);

        assertThat(meters.of("smmu0")).containsEntry("smmu.cmdq.commands", 2L);

        registry.remove(c);
        assertThat(meters.of("smmu0")).doesNotContainKey("smmu.cmdq.commands");
    }
}
