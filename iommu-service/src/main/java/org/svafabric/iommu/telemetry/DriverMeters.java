package org.svafabric.iommu.telemetry;

import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.DriverListener;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.pri.PageRequest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The driver's tracepoints as smmu.* meters: event records by type, queue overflows, page requests taken,
 * TLBI and ATC_INV commands issued, and the command queue's totals. The names are what the Grafana
 * dashboard (docs/monitoring/grafana) queries: keep them stable.
 */
public final class DriverMeters implements DriverListener {
    private final MeterRegistry registry;
    private final Counter evtqOverflows;
    private final Counter priqRequests;
    private final Counter priqOverflows;
    private final Counter tlbiCommands;
    private final Counter atcInvCommands;

    private final Tags smmu;

    public DriverMeters(MeterRegistry registry) {
        this(registry, "smmu0");
    }

    /** The counters of the driver instance of SMMU {@code name}, tagged {@code smmu=<name>}. */
    public DriverMeters(MeterRegistry registry, String name) {
        this.registry = registry;
        this.smmu = Tags.of("smmu", name);
        this.evtqOverflows = Counter.builder("smmu.evtq.overflows").description("event-queue overflows seen by the driver").tags(smmu).register(registry);
        this.priqRequests = Counter.builder("smmu.priq.requests").description("page requests taken from the PRI queue").tags(smmu).register(registry);
        this.priqOverflows = Counter.builder("smmu.priq.overflows").description("PRI-queue overflows seen by the driver").tags(smmu).register(registry);
        this.tlbiCommands = Counter.builder("smmu.tlbi.commands").description("CMD_TLBI_* issued").tags(smmu).register(registry);
        this.atcInvCommands = Counter.builder("smmu.atc_inv.commands").description("CMD_ATC_INV issued").tags(smmu).register(registry);
    }

    /** The command queue's totals, read from the driver (0 until it probed). */
    public ArmSmmuV3 watch(ArmSmmuV3 driver) {
        Gauge.builder("smmu.cmdq.commands", driver, ArmSmmuV3::cmdqCommands).description("commands written to the command queue").tags(smmu).register(registry);
        Gauge.builder("smmu.cmdq.syncs", driver, ArmSmmuV3::cmdqSyncs).description("CMD_SYNCs waited for").tags(smmu).register(registry);
        return driver;
    }

    @Override
    public void eventRecord(Event e) {
        registry.counter("smmu.events", smmu.and("type", e.type().name())).increment();
    }

    @Override
    public void eventQueueOverflow() {
        evtqOverflows.increment();
    }

    @Override
    public void pageRequest(PageRequest r) {
        priqRequests.increment();
    }

    @Override
    public void priQueueOverflow() {
        priqOverflows.increment();
    }

    @Override
    public void invalidationsIssued(int tlbis, int atcInvs) {
        if (tlbis > 0) {
            tlbiCommands.increment(tlbis);
        }
        if (atcInvs > 0) {
            atcInvCommands.increment(atcInvs);
        }
    }
}
