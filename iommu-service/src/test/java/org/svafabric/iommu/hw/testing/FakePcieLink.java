package org.svafabric.iommu.hw.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.pcie.PcieLink;

/** Endpoints that answer ATC invalidations only when the test completes them, and remember PRG responses. */
public final class FakePcieLink implements PcieLink {

    public record AtcInv(int sid, int ssid, long addr, int log2Pages, boolean global, CompletableFuture<Void> completion) {
    }

    public record PageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
    }

    public final List<AtcInv> invalidations = new ArrayList<>();
    public final List<PageResponse> responses = new ArrayList<>();
    private boolean completeAtOnce;

    /** Makes every later invalidation complete as soon as it is sent. */
    public FakePcieLink answeringAtOnce() {
        completeAtOnce = true;
        return this;
    }

    @Override
    public synchronized CompletionStage<Void> atcInvalidate(int sid, int ssid, long addr, int log2Pages, boolean global) {
        CompletableFuture<Void> f = completeAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        AtcInv inv = new AtcInv(sid, ssid, addr, log2Pages, global, f);
        invalidations.add(inv);
        onInvalidate.accept(inv);
        return f;
    }

    private java.util.function.Consumer<AtcInv> onInvalidate = inv -> { };

    /** What the endpoint does when an invalidation reaches it (a device that refetches at once, say). */
    public synchronized FakePcieLink onInvalidate(java.util.function.Consumer<AtcInv> action) {
        onInvalidate = action;
        return this;
    }

    @Override
    public synchronized void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
        responses.add(new PageResponse(sid, ssid, pasidValid, prgIndex, code));
    }

    public synchronized List<PageResponse> responses() {
        return List.copyOf(responses);
    }
}
