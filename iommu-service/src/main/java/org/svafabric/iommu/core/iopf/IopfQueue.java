package org.svafabric.iommu.core.iopf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.IommuDriverOps;

/**
 * An SMMU's I/O page-fault queue (v2 iopf_queue, the v1 global "iommu_fault_queue" made per SMMU).
 *
 * <p>A page request with Last = 0 waits in its device's partial list, keyed by PRG index. Last = 1 takes
 * the partials with its index, makes a group and queues it; a stall is a group by itself. Groups run on a
 * bounded pool of workers in no particular order; the requests of a group are serviced in order by the
 * device's {@link IopfHandler}. Every group gets exactly one answer, CMD_PRI_RESP or CMD_RESUME through the
 * driver, except one ending in a stop marker, which gets none; partials never get one of their own. When
 * the group cannot be serviced (device not on the queue, queue full, queue closed, handler failure) it is
 * answered INVALID rather than leaving the device waiting.
 *
 * <p>What happens is told to an {@link IopfListener} (the tracepoints), which counts and logs it; nothing
 * here touches a meter or a database.
 */
public final class IopfQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IopfQueue.class);

    private final String name;
    private final IommuDriverOps driver;
    private final IopfListener trace;
    private final ThreadPoolExecutor workers;
    private final Map<String, DeviceFaults> devices = new ConcurrentHashMap<>();
    private final AtomicInteger partials = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param workers  how many groups are serviced at once
     * @param capacity how many groups may wait for a worker; beyond it a group is answered INVALID at once
     */
    public IopfQueue(String name, int workers, int capacity, IommuDriverOps driver, IopfListener trace) {
        if (workers < 1 || capacity < 1) {
            throw new IllegalArgumentException("an IOPF queue needs at least one worker and one slot");
        }
        this.name = name;
        this.driver = driver;
        this.trace = trace;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "iopf-" + name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public String name() {
        return name;
    }

    /** Fault groups waiting for a worker. */
    public int waiting() {
        return workers.getQueue().size();
    }

    /** Fault groups queued or being serviced. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Page requests waiting for the last request of their group. */
    public int partials() {
        return partials.get();
    }

    /** iopf_queue_add_device: the device's faults are serviced by {@code handler} from now on. EBUSY if it already is. */
    public void addDevice(Device device, IopfHandler handler) {
        if (devices.putIfAbsent(device.id(), new DeviceFaults(handler)) != null) {
            throw new ErrnoException(Errno.EBUSY, "iopf-device-busy", device.id() + " is already on fault queue " + name);
        }
    }

    /**
     * iopf_queue_remove_device: faults of the device are no longer serviced and its partial requests are
     * discarded. The caller flushed it first, so no group of it is in flight.
     */
    public void removeDevice(Device device) {
        DeviceFaults d = devices.remove(device.id());
        if (d != null) {
            int dropped = d.discardPartials();
            partials.addAndGet(-dropped);
            trace.partialsDiscarded(dropped);
        }
    }

    /**
     * iopf_queue_discard_partial: after a PRI queue overflow, every partial request is dropped, since
     * the Last request that would have closed its group may be among those the SMMU lost. Partials
     * never get a response of their own, so nothing is owed for them; the SMMU answered the lost
     * Last requests itself (IHI 0070 §8.1), and the devices ask again.
     */
    public int discardPartial() {
        int dropped = 0;
        for (DeviceFaults d : devices.values()) {
            dropped += d.discardPartials();
        }
        partials.addAndGet(-dropped);
        trace.partialsDiscarded(dropped);
        return dropped;
    }

    public boolean hasDevice(Device device) {
        return devices.containsKey(device.id());
    }

    /**
     * iommu_report_device_fault for a recoverable fault: a request without Last waits in its device's partial
     * list; a Last (or a stall) closes its group, which is queued for a worker. Never blocks on servicing;
     * answers INVALID at once when the group cannot be queued.
     */
    public void report(IopfFault fault) {
        long now = System.nanoTime();
        trace.faultReported(fault);
        DeviceFaults d = devices.get(fault.device().id());
        if (!fault.last()) {
            if (d == null) {
                // No group exists to answer yet; answering now would make two responses for one PRG.
                trace.partialsDiscarded(1);
                return;
            }
            d.addPartial(fault, now);
            partials.incrementAndGet();
            return;
        }
        trace.groupComplete(fault);
        if (d == null) {
            answer(new IopfGroup(fault.device(), List.of(fault), now), PrgResponseCode.INVALID, "not on fault queue " + name);
            return;
        }
        IopfGroup group = d.closeGroup(fault, now, partials);
        inFlight.incrementAndGet();
        try {
            workers.execute(() -> handleGroup(d, group));
        } catch (RejectedExecutionException e) {
            fail(d, group, "fault queue " + name + " is full or closed");
        }
    }

    /**
     * iopf_queue_flush_dev(dev, pasid): once it returns, every group of the device concerning {@code pasid}
     * that the driver had received when it was called has been serviced and answered. The driver first commits
     * what it holds in its own queues. Partials are not flushed: a device that stops using a PASID has
     * completed its groups (v1 "All PRGs with the PASID are complete and have been submitted").
     */
    public void flush(Device device, int pasid) {
        awaitGroups(device, OptionalInt.of(pasid));
    }

    /** Flushes every group of the device, whatever its PASID (device shutdown). */
    public void flushDevice(Device device) {
        awaitGroups(device, OptionalInt.empty());
    }

    private void awaitGroups(Device device, OptionalInt pasid) {
        driver.drainFaults(device);
        DeviceFaults d = devices.get(device.id());
        if (d == null) {
            return;
        }
        List<CompletableFuture<Void>> pending = d.inFlight(pasid);
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "flush-interrupted", "interrupted while flushing faults of " + device.id());
        } catch (ExecutionException e) {
            throw new IllegalStateException("a fault group ended exceptionally", e.getCause());
        }
    }

    /** iopf_handler: the device's handler services the group's faults in order; the group gets one answer. */
    private void handleGroup(DeviceFaults d, IopfGroup group) {
        PrgResponseCode status;
        try {
            status = d.handler.handle(group);
        } catch (RuntimeException e) {
            log.warn("fault group {} of {} failed: {}", group.last().prgIndex(), group.device().id(), e.toString());
            fail(d, group, "internal error: " + e.getMessage());
            return;
        }
        finish(d, group, status, null);
    }

    private void fail(DeviceFaults d, IopfGroup group, String why) {
        trace.groupFailed(group, why);
        finish(d, group, PrgResponseCode.INVALID, why);
    }

    private void finish(DeviceFaults d, IopfGroup group, PrgResponseCode status, String why) {
        try {
            answer(group, status, why);
        } finally {
            d.untrack(group);
            inFlight.decrementAndGet();
            group.answered().complete(null);
        }
    }

    /**
     * iopf_group_response: the group's one answer, built from its last request. A stalled transaction is always
     * resumed or aborted. A stop marker gets none.
     */
    private void answer(IopfGroup group, PrgResponseCode code, String why) {
        IopfFault last = group.last();
        Device dev = group.device();
        if (last.isStopMarker() && code == PrgResponseCode.SUCCESS) {
            // Every request before the marker was serviced; the marker itself is not answered.
            trace.stopMarker(group);
            return;
        }
        try {
            if (last.kind() == IopfFault.Kind.STALL) {
                driver.resume(dev, last.stag(), code == PrgResponseCode.SUCCESS);
            } else {
                OptionalInt pasid = dev.prgResponsePasidRequired() && last.pasidValid() ? OptionalInt.of(last.pasid())
                        : OptionalInt.empty();
                driver.pageResponse(dev, pasid, last.prgIndex(), code);
            }
        } catch (RuntimeException e) {
            // The response itself could not be sent: there is nothing left to answer with.
            log.error("could not answer fault group {} of {}: {}", last.prgIndex(), dev.id(), e.toString());
            trace.responseFailed(group, e);
            return;
        }
        trace.responded(group, code, why);
    }

    /** Stops the workers after the queued groups were serviced; later reports are answered INVALID. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("fault queue {} still has groups in service at close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One device's partial requests and the groups of it queued or in service, guarded by its monitor. */
    private static final class DeviceFaults {
        final IopfHandler handler;
        private final Map<Integer, Partial> partial = new HashMap<>();
        private final Set<IopfGroup> inFlight = new HashSet<>();

        DeviceFaults(IopfHandler handler) {
            this.handler = handler;
        }

        synchronized void addPartial(IopfFault f, long now) {
            partial.computeIfAbsent(f.prgIndex(), k -> new Partial(now)).faults.add(f);
        }

        /**
         * The group that {@code last} closes: the partials with its PRG index, then itself (a stall: itself).
         * It is tracked in the same step, so a flush either sees it or saw none of its requests as a group.
         */
        synchronized IopfGroup closeGroup(IopfFault last, long now, AtomicInteger partialCount) {
            Partial p = last.kind() == IopfFault.Kind.PAGE_REQUEST ? partial.remove(last.prgIndex()) : null;
            IopfGroup g;
            if (p == null) {
                g = new IopfGroup(last.device(), List.of(last), now);
            } else {
                partialCount.addAndGet(-p.faults.size());
                p.faults.add(last);
                g = new IopfGroup(last.device(), p.faults, p.firstArrival);
            }
            inFlight.add(g);
            return g;
        }

        synchronized int discardPartials() {
            int n = 0;
            for (Partial p : partial.values()) {
                n += p.faults.size();
            }
            partial.clear();
            return n;
        }

        synchronized void untrack(IopfGroup g) {
            inFlight.remove(g);
        }

        synchronized List<CompletableFuture<Void>> inFlight(OptionalInt pasid) {
            List<CompletableFuture<Void>> out = new ArrayList<>();
            for (IopfGroup g : inFlight) {
                if (pasid.isEmpty() || g.concerns(pasid.getAsInt())) {
                    out.add(g.answered());
                }
            }
            return out;
        }
    }

    private static final class Partial {
        final long firstArrival;
        final List<IopfFault> faults = new ArrayList<>();

        Partial(long firstArrival) {
            this.firstArrival = firstArrival;
        }
    }
}
