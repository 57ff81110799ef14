package org.svafabric.device;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.svafabric.api.events.FabricEvent;
import org.svafabric.device.pcie.AtcListener;
import org.svafabric.device.pcie.PriListener;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.platform.StallListener;

/**
 * One device's tracepoints kept as its meters ({@link DeviceMetrics}: {@code device.pri.*}, {@code device.atc.*},
 * {@code device.ats.*}, {@code device.stalls}) and as event-log entries (PRI_REQUEST, PRI_RESPONSE, PRI_TIMEOUT, PRI_STOP_MARKER).
 * The event consumer queues and never blocks.
 */
public final class DeviceTelemetry implements PriListener, AtcListener, StallListener {
    private final String device;
    private final int sid;
    private final DeviceMetrics metrics;
    private final Consumer<FabricEvent> events;

    public DeviceTelemetry(String device, int sid, DeviceMetrics metrics, Consumer<FabricEvent> events) {
        this.device = device;
        this.sid = sid;
        this.metrics = metrics;
        this.events = events;
    }

    @Override
    public void groupSent(Integer pasid, int prgIndex, List<Long> pages, boolean write) {
        metrics.pageRequests.increment(pages.size());
        metrics.groups.increment();
        events.accept(FabricEvent.of("PRI_REQUEST", device, sid, pasid, null, pages.get(0),
                "PRG " + prgIndex + ": " + pages.size() + " page(s), " + (write ? "write" : "read")));
    }

    @Override
    public void responded(Integer pasid, int prgIndex, long firstPage, PrgResponseCode code) {
        switch (code) {
            case SUCCESS -> metrics.prgSuccess.increment();
            case INVALID -> metrics.prgInvalid.increment();
            case FAILURE -> metrics.prgFailure.increment();
        }
        events.accept(FabricEvent.of("PRI_RESPONSE", device, sid, pasid, null, firstPage, "PRG " + prgIndex + ": " + code));
    }

    @Override
    public void unexpectedResponse(int prgIndex, Integer pasid) {
        metrics.prgUnexpected.increment();
    }

    @Override
    public void stopMarkerSent(int pasid) {
        events.accept(FabricEvent.of("PRI_STOP_MARKER", device, sid, pasid, null, null,
                "Stop Marker (L=1, R=W=0): the function sends no more page requests for PASID " + pasid));
    }

    @Override
    public void timedOut(Integer pasid, int prgIndex, long firstPage, Duration timeout) {
        metrics.prgTimeouts.increment();
        events.accept(FabricEvent.of("PRI_TIMEOUT", device, sid, pasid, null, firstPage,
                "no PRG Response for index " + prgIndex + " within " + timeout.toMillis() + " ms"));
    }

    @Override
    public void lookedUp(int hits, int misses) {
        metrics.atcHits.increment(hits);
        metrics.atcMisses.increment(misses);
    }

    @Override
    public void translationRequested(int pages) {
        metrics.atsTranslations.increment(pages);
    }

    @Override
    public void invalidated(int dropped) {
        metrics.atcInvalidations.increment();
    }

    @Override
    public void stalled(int stalls) {
        metrics.stalls.increment(stalls);
    }
}
