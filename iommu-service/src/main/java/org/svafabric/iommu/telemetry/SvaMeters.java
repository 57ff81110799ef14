package org.svafabric.iommu.telemetry;

import java.util.concurrent.TimeUnit;

import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaListener;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The SVA core's meters ({@code sva.binds}, {@code sva.mm_exit}, ...) kept from its tracepoints; gauges read the core. */
public final class SvaMeters implements SvaListener {
    private final MeterRegistry registry;
    private final Counter binds;
    private final Counter unbinds;
    private final Timer invalidations;
    private final Counter exits;
    private final Counter leaks;

    public SvaMeters(MeterRegistry registry) {
        this.registry = registry;
        this.binds = Counter.builder("sva.binds").description("successful iommu_sva_bind_device calls").register(registry);
        this.unbinds = Counter.builder("sva.unbinds").description("successful iommu_sva_unbind_device calls").register(registry);
        this.invalidations = Timer.builder("sva.invalidate_range")
                .description("invalidate_range, until CMD_SYNC and every ATC invalidation completed").register(registry);
        this.exits = Counter.builder("sva.mm_exit").description("bonds torn down by a process exit").register(registry);
        this.leaks = Counter.builder("sva.mm_exit.leaks")
                .description("mm_exit handlers that returned non-zero or failed (possible PASID leak)").register(registry);
    }

    /** PASIDs and bonds of the core as gauges. */
    public IommuSva watch(IommuSva sva) {
        Gauge.builder("sva.pasids", sva, IommuSva::allocatedPasids).description("PASIDs allocated").register(registry);
        Gauge.builder("sva.bonds", sva, IommuSva::bondCount).description("device-mm bonds").register(registry);
        return sva;
    }

    @Override
    public void bound(Device device, int pasid, long pid, boolean again) {
        binds.increment();
    }

    @Override
    public void unbound(Device device, int pasid, long pid, boolean kept) {
        unbinds.increment();
    }

    @Override
    public void mmExit(Device device, int pasid, long pid, int ret) {
        if (ret != 0) {
            leaks.increment();
        }
    }

    @Override
    public void exitTornDown(Device device, int pasid) {
        exits.increment();
    }

    @Override
    public void rangeInvalidated(long pid, long nanos) {
        invalidations.record(nanos, TimeUnit.NANOSECONDS);
    }
}
