package org.svafabric.device.engine;

import java.util.concurrent.atomic.AtomicLong;

/** The faults one job took, counted by the device's DMA path as they happen. */
public final class FaultCounters {
    private final AtomicLong pageRequests = new AtomicLong();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();

    public void countPageRequests(long n) {
        pageRequests.addAndGet(n);
    }

    public void countGroup() {
        groups.incrementAndGet();
    }

    public void countStalls(long n) {
        stalls.addAndGet(n);
    }

    public void countInvalid() {
        invalid.incrementAndGet();
    }

    public long pageRequests() {
        return pageRequests.get();
    }

    public long groups() {
        return groups.get();
    }

    public long stalls() {
        return stalls.get();
    }

    public long invalid() {
        return invalid.get();
    }
}
