package org.svafabric.iommu.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.svafabric.iommu.core.iopf.IopfListener;
import org.svafabric.iommu.core.iopf.IopfQueue;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaFeature;
import org.svafabric.iommu.core.sva.SvaListener;
import org.svafabric.iommu.telemetry.IopfEvents;
import org.svafabric.iommu.telemetry.IopfMeters;
import org.svafabric.iommu.telemetry.SvaEvents;
import org.svafabric.iommu.telemetry.SvaMeters;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The core wired to fakes of every port, as the lead's configuration wires it to the real ones: one SMMU,
 * so one fault queue for every device, and mm-service's release calling the core's notifier.
 */
public final class SvaHarness implements AutoCloseable {
    public static final Set<SvaFeature> SVA = EnumSet.of(SvaFeature.PASID, SvaFeature.IOPF);
    /** Bounds every wait in a test, so that a deadlock fails the test instead of hanging the build. */
    public static final long WAIT_SECONDS = 20;

    public final FakeIommuDriver driver = new FakeIommuDriver();
    public final FakeMm mm = new FakeMm();
    public final FakeDeviceDrivers deviceDrivers = new FakeDeviceDrivers();
    public final RecordingEventLog events = new RecordingEventLog();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The queue's and the core's tracepoints in the order they fired, as the configuration's listeners see them. */
    public final TraceRecorder trace = new TraceRecorder();
    private final IopfListener iopfTrace = trace.iopf();
    private final SvaListener svaTrace = trace.sva();
    public final IopfQueue queue;
    public final IommuSva sva;
    /**
     * CDs still naming an mm when its release returned, i.e. when mm-service would free its page tables:
     * the invariant "no device walks a freed table" wants this empty.
     */
    public final List<String> cdsAfterRelease = Collections.synchronizedList(new ArrayList<>());

    public SvaHarness() {
        this(2, 256);
    }

    public SvaHarness(int workers, int capacity) {
        IopfMeters queueMeters = new IopfMeters("smmu0", meters);
        queue = queueMeters.watch(new IopfQueue("smmu0", workers, capacity, driver,
                IopfListener.all(List.of(queueMeters, new IopfEvents(events), iopfTrace))));
        SvaMeters svaMeters = new SvaMeters(meters);
        sva = svaMeters.watch(new IommuSva(driver, mm, deviceDrivers, d -> queue,
                SvaListener.all(List.of(svaMeters, new SvaEvents(events), svaTrace))));
        mm.release = pid -> {
            sva.notifier().release(pid);
            long pgd = mm.pgd(pid);
            driver.cds.forEach((key, cd) -> {
                if (cd.pgd() == pgd) {
                    cdsAfterRelease.add(key);
                }
            });
        };
    }

    /** A PCIe endpoint with 20 PASID bits, PRI and ATS. */
    public static Device pci(String id, int sid) {
        return new Device(id, sid, 20, true, true, false, false);
    }

    /** A platform device whose DMA can stall, with 20 substream bits. */
    public static Device platform(String id, int sid) {
        return new Device(id, sid, 20, false, false, true, false);
    }

    public Device initPci(String id, int sid) {
        Device d = pci(id, sid);
        sva.deviceInit(d, SVA, 0);
        return d;
    }

    public long process(long pid) {
        mm.spawn(pid);
        mm.map(pid, 0x10000, 0x10000, "rw");
        return pid;
    }

    public int bind(Device d, long pid) {
        return sva.bind(d, pid, SVA, "drv-" + d.id());
    }

    public double counter(String name, String... tags) {
        io.micrometer.core.instrument.Counter c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    public double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    public static CompletableFuture<Void> inThread(String name, Runnable r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
                f.complete(null);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    public static <T> CompletableFuture<T> supplyInThread(String name, Supplier<T> s) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(s.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Waits for {@code f}, failing (not hanging) after {@link #WAIT_SECONDS}. */
    public static <T> T await(Future<T> f) {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no progress in " + WAIT_SECONDS + " s: deadlock?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Waits until the named thread is parked (waiting on a lock or a future): the point a test wants to
     * prove another thread has reached before it releases it. Fails after {@link #WAIT_SECONDS}.
     */
    public static void awaitParked(String threadName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(threadName)
                        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING
                        || t.getState() == Thread.State.BLOCKED)) {
                    return;
                }
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        throw new AssertionError("thread " + threadName + " never parked");
    }

    @Override
    public void close() {
        queue.close();
    }
}
