package org.svafabric.device;

import org.svafabric.api.device.DeviceViews;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One device's meters, tagged {@code device=<id>}: jobs by final status, bytes moved, page
 * requests and groups, outstanding page requests (gauge and high-water mark), ATC hits, misses
 * and invalidations, stalls, and the job latency timer.
 */
public final class DeviceMetrics {
    private final MeterRegistry registry;
    private final String device;
    public final Counter jobsSubmitted;
    public final Counter jobsRefused;
    public final Counter jobsCompleted;
    public final Counter jobsFaulted;
    public final Counter jobsAborted;
    public final Counter bytes;
    public final Counter pageRequests;
    public final Counter groups;
    public final Counter prgSuccess;
    public final Counter prgInvalid;
    public final Counter prgFailure;
    public final Counter prgTimeouts;
    public final Counter prgUnexpected;
    public final Counter atsTranslations;
    public final Counter atcHits;
    public final Counter atcMisses;
    public final Counter atcInvalidations;
    public final Counter stalls;
    public final Timer latency;
    private Supplier<Number> outstanding = () -> 0;
    private Supplier<Number> maxOutstanding = () -> 0;

    public DeviceMetrics(MeterRegistry registry, String device) {
        this.registry = registry;
        this.device = device;
        jobsSubmitted = counter("device.jobs.submitted", "jobs accepted into the queue");
        jobsRefused = counter("device.jobs.refused", "jobs refused with EBUSY: no free queue slot");
        jobsCompleted = Counter.builder("device.jobs").tag("device", device).tag("status", "COMPLETED").register(registry);
        jobsFaulted = Counter.builder("device.jobs").tag("device", device).tag("status", "FAULTED").register(registry);
        jobsAborted = Counter.builder("device.jobs").tag("device", device).tag("status", "ABORTED").register(registry);
        bytes = counter("device.dma.bytes", "bytes of job length processed");
        pageRequests = counter("device.pri.page.requests", "PRI Page Request Messages sent");
        groups = counter("device.pri.groups", "page request groups sent");
        prgSuccess = prgResponse("SUCCESS");
        prgInvalid = prgResponse("INVALID");
        prgFailure = prgResponse("FAILURE");
        prgTimeouts = counter("device.pri.timeouts", "groups abandoned without a PRG Response");
        prgUnexpected = counter("device.pri.unexpected", "PRG Responses for no outstanding group (UPRGI)");
        atsTranslations = counter("device.ats.translation.requests", "pages sent in ATS Translation Requests");
        atcHits = counter("device.atc.hits", "ATC lookups that hit, per page");
        atcMisses = counter("device.atc.misses", "ATC lookups that missed, per page");
        atcInvalidations = counter("device.atc.invalidations", "ATS Invalidation Requests completed");
        stalls = counter("device.stalls", "transactions stalled by the SMMU and resumed or aborted");
        latency = Timer.builder("device.job.latency").tag("device", device).publishPercentileHistogram().register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("device", device).register(registry);
    }

    private Counter prgResponse(String code) {
        return Counter.builder("device.pri.responses").tag("device", device).tag("code", code).register(registry);
    }

    /** The PRI's outstanding page requests: current (gauge) and the most ever outstanding at once. */
    public void trackOutstanding(Supplier<Number> current, Supplier<Number> max) {
        this.outstanding = current;
        this.maxOutstanding = max;
        Gauge.builder("device.pri.outstanding", current, s -> s.get().doubleValue()).tag("device", device).register(registry);
        Gauge.builder("device.pri.outstanding.max", max, s -> s.get().doubleValue()).tag("device", device).register(registry);
    }

    /** The counters as the device's view shows them. */
    public DeviceViews.Metrics snapshot() {
        return new DeviceViews.Metrics(
                new DeviceViews.JobCounts((long) jobsSubmitted.count(), (long) jobsRefused.count(), (long) jobsCompleted.count(),
                        (long) jobsFaulted.count(), (long) jobsAborted.count()),
                (long) bytes.count(), (long) pageRequests.count(), (long) groups.count(), outstanding.get().longValue(),
                maxOutstanding.get().longValue(),
                new DeviceViews.PrgResponses((long) prgSuccess.count(), (long) prgInvalid.count(), (long) prgFailure.count(),
                        (long) prgTimeouts.count(), (long) prgUnexpected.count()),
                (long) atcHits.count(), (long) atcMisses.count(), (long) atcInvalidations.count(), (long) stalls.count(),
                (long) latency.mean(TimeUnit.MICROSECONDS));
    }
}
