package org.svafabric.iommu.core.iopf;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.svafabric.iommu.core.port.Device;

/**
 * A complete group of faults (struct iopf_group): the partial page requests with the group's PRG index, in
 * arrival order, then the request that closed it. It gets exactly one response, built from the last request.
 */
public final class IopfGroup {
    private final Device device;
    private final List<IopfFault> faults;
    private final long arrivedNanos;
    private final CompletableFuture<Void> answered = new CompletableFuture<>();

    IopfGroup(Device device, List<IopfFault> faults, long arrivedNanos) {
        this.device = device;
        this.faults = List.copyOf(faults);
        this.arrivedNanos = arrivedNanos;
    }

    public Device device() {
        return device;
    }

    public List<IopfFault> faults() {
        return faults;
    }

    public IopfFault last() {
        return faults.get(faults.size() - 1);
    }

    /** When the group's first request reached the queue, on the {@link System#nanoTime()} clock. */
    public long arrivedNanos() {
        return arrivedNanos;
    }

    boolean concerns(int pasid) {
        for (IopfFault f : faults) {
            if (f.pasidValid() && f.pasid() == pasid) {
                return true;
            }
        }
        return false;
    }

    /** Completes once the group's response was sent (or deliberately not sent, for a stop marker). */
    CompletableFuture<Void> answered() {
        return answered;
    }
}
