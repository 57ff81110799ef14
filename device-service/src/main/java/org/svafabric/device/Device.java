package org.svafabric.device;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.threads.DaemonPool;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.device.engine.DmaEngine;
import org.svafabric.device.engine.DmaPath;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobQueue;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.pcie.PcieFunction;
import org.svafabric.device.platform.SmmuTransactionPath;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * One simulated device, built from its firmware description: a PCIe function (PASID, PRI,
 * ATS/ATC) or a platform device, its DMA engines and job queue. Its engines use ATS while the
 * function has ATS enabled and untranslated transactions through the SMMU otherwise.
 */
public final class Device implements AutoCloseable {
    private final DeviceDescription description;
    private final int sid;
    private final DeviceMetrics metrics;
    private final PcieFunction pcie;
    private final DmaPath transactions;
    private final DmaEngine engine;
    private final JobQueue queue;
    private final Consumer<FabricEvent> events;
    private final LongSupplier clock;

    public Device(DeviceDescription d, IommuPort port, MemoryBus ram, MeterRegistry meters, Consumer<FabricEvent> events,
                  DeviceSettings settings, LongSupplier nanoClock) {
        this.description = d;
        this.sid = d.streamId();
        this.events = events;
        this.clock = nanoClock;
        this.metrics = new DeviceMetrics(meters, d.id());
        DeviceTelemetry trace = new DeviceTelemetry(d.id(), sid, metrics, events);
        this.pcie = d.isPci() ? new PcieFunction(d, port, ram, trace, settings.prgResponseTimeout(), settings.priGroupPages()) : null;
        if (pcie != null && (pcie.pri() != null || pcie.atc() != null)) {
            metrics.trackOutstanding(pcie::outstandingPageRequests, pcie::maxOutstandingPageRequests);
        }
        this.transactions = new SmmuTransactionPath(sid, port, trace);
        int segment = settings.segmentBytes();
        if (pcie != null && pcie.atc() != null) {
            // A segment's pages must fit the ATC at once, or the access would evict its own translations.
            segment = (int) Math.min(segment, (long) pcie.atc().capacity() << Vmsa.PAGE_SHIFT);
        }
        int lookahead = 0;
        if (pcie != null && pcie.atc() != null) {
            // Two ranges per segment for a memcpy; the segments ahead must survive the ATC's LRU until they move.
            int pagesPerSegment = Math.max(1, segment >> Vmsa.PAGE_SHIFT);
            lookahead = pcie.atc().streamingLookahead(2 * pagesPerSegment, settings.lookaheadSegments());
        }
        this.engine = new DmaEngine(segment, nanoClock, port::addressSpaceLive, lookahead, DaemonPool.cached(d.id() + "-lookahead"));
        DeviceDescription.Engine e = d.engine();
        int depth = e == null || e.queueDepth() == null ? settings.queueDepth() : e.queueDepth();
        int engines = e == null || e.engines() == null ? settings.engines() : e.engines();
        this.queue = new JobQueue(d.id(), depth, engines, this::run);
    }

    public void start() {
        queue.start();
    }

    public String id() {
        return description.id();
    }

    public int sid() {
        return sid;
    }

    public DeviceDescription description() {
        return description;
    }

    public boolean isPci() {
        return pcie != null;
    }

    /** Null for a platform device. */
    public PcieFunction pcie() {
        return pcie;
    }

    public int pasidBits() {
        return description.pasidBits();
    }

    public boolean canStall() {
        return description.canStall();
    }

    public DeviceMetrics metrics() {
        return metrics;
    }

    public JobQueue queue() {
        return queue;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** Queues a job (EBUSY when the queue is full) and accounts for it once it is final. */
    public void accept(Job job) {
        try {
            queue.submit(job);
        } catch (RuntimeException e) {
            metrics.jobsRefused.increment();
            throw e;
        }
        metrics.jobsSubmitted.increment();
        job.done().thenAccept(this::account);
    }

    /** The path the engine uses for a job: ATS only while the function has it enabled. */
    DmaPath pathFor(Job job) {
        return pcie != null && pcie.atsEnabled() ? pcie.atsPath() : transactions;
    }

    private void run(Job job) {
        engine.run(job, pathFor(job));
    }

    private void account(Job j) {
        metrics.bytes.increment(j.bytes());
        Long latency = j.latencyNanos();
        if (latency != null) {
            metrics.latency.record(latency, TimeUnit.NANOSECONDS);
        }
        switch (j.status()) {
            case COMPLETED -> metrics.jobsCompleted.increment();
            case ABORTED -> metrics.jobsAborted.increment();
            case FAULTED -> {
                metrics.jobsFaulted.increment();
                events.accept(FabricEvent.of("DMA_FAULT", id(), sid, j.pasid(), null, j.faultAddr(),
                        "job " + j.id() + " (" + j.spec().op().wireName() + ") faulted: " + j.error()));
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
