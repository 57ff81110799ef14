package org.svafabric.iommu.hw.testing;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.iommu.hw.cmd.CommandTarget;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;

/** The translation side as a log of what the command consumer asked of it. */
public final class RecordingTarget implements CommandTarget {
    private final List<String> calls = new ArrayList<>();
    private final List<TlbInvalidation> tlbis = new ArrayList<>();

    @Override
    public synchronized void invalidateSte(int sid, int log2Range) {
        calls.add("STE " + sid + "/" + log2Range);
    }

    @Override
    public synchronized void invalidateCd(int sid, int ssid) {
        calls.add("CD " + sid + "/" + ssid);
    }

    @Override
    public synchronized void invalidateTlb(TlbInvalidation invalidation) {
        calls.add("TLBI " + invalidation.regime() + " " + invalidation.scope());
        tlbis.add(invalidation);
    }

    @Override
    public synchronized void prefetchConfig(int sid, int ssid) {
        calls.add("PREFETCH " + sid + "/" + ssid);
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<TlbInvalidation> tlbis() {
        return List.copyOf(tlbis);
    }
}
