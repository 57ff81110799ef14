package org.svafabric.iommu.core.sva;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.core.iopf.IopfQueues;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.core.port.IommuDriverOps;

/**
 * The core's MMU notifier on every bound mm (iommu_notifier_invalidate_range and iommu_notifier_release).
 * mm-service calls these and waits for them to return before it frees or reuses a frame, or tears the
 * address space down, so each returns only once its effect is complete.
 */
public final class SvaMmNotifier {
    private static final Logger log = LoggerFactory.getLogger(SvaMmNotifier.class);

    private final IoMmTable table;
    private final IoMmRefs refs;
    private final IommuDriverOps driver;
    private final DeviceDriverPort deviceDrivers;
    private final IopfQueues queues;
    private final Predicate<String> hasMmExitHandler;
    private final SvaListener trace;

    SvaMmNotifier(IoMmTable table, IoMmRefs refs, IommuDriverOps driver, DeviceDriverPort deviceDrivers, IopfQueues queues,
                  Predicate<String> hasMmExitHandler, SvaListener trace) {
        this.table = table;
        this.refs = refs;
        this.driver = driver;
        this.deviceDrivers = deviceDrivers;
        this.queues = queues;
        this.hasMmExitHandler = hasMmExitHandler;
        this.trace = trace;
    }

    /**
     * invalidate_range(start, end): TLB and ATC invalidation of the range for every device whose CD may
     * name the mm, including those whose CD is being written or cleared right now (an invalidation of a CD
     * that is not there is harmless; a missed one is not). {@code btm}: the SMMU already received the
     * CPU's broadcast TLBI, only ATCs need commands. Returns after CMD_SYNC and every ATC completion.
     */
    public void invalidateRange(long pid, long start, long end, boolean btm) {
        Optional<IoMmTable.InvalidationTarget> target = table.invalidationTarget(pid);
        if (target.isEmpty()) {
            return;
        }
        IoMmTable.InvalidationTarget t = target.get();
        long began = System.nanoTime();
        driver.invalidateRange(t.devices(), t.pasid(), t.asid(), start, end, btm);
        trace.rangeInvalidated(pid, System.nanoTime() - began);
    }

    /**
     * release: the process is exiting ("Can race with unbind()"). For each bond, in this order: the device
     * driver's mm_exit handler (after it returns the device issues nothing with the PASID; a non-zero return
     * is logged as a possible PASID leak and teardown goes on); a flush of the device's fault queue for the
     * PASID; the CD cleared and TLBs and ATC invalidated; the bond freed. Then the io_mm is put and its
     * PASID freed (v1 iommu_notifier_release; sva-v1-semantics §1.9 step 3): a driver's later unbind gets
     * ESRCH. The mm_exit handlers returned before any CD was cleared, so no device uses the PASID when it
     * can be allocated again.
     *
     * <p>A bind or unbind writing or clearing a CD of this mm is waited for first, so that when this returns
     * no CD names the mm. A second release for the same mm waits for the first.
     */
    public void release(long pid) {
        IoMm io;
        while (true) {
            IoMmTable.ReleaseStart start = table.beginRelease(pid);
            if (start.waitFor() != null) {
                IommuSva.await(start.waitFor(), "the io_mm of pid " + pid);
                continue;
            }
            io = start.ioMm();
            break;
        }
        if (io == null) {
            return;
        }
        try {
            // Wait out binds and unbinds in flight until the bonds can be marked EXITING in one step.
            List<Bond> exiting;
            while ((exiting = table.markExiting(io)) == null) {
                settleBonds(io);
            }
            for (Bond bond : exiting) {
                tearDown(bond);
            }
        } finally {
            if (table.endRelease(io)) {
                refs.freed(io);
            }
        }
    }

    private void settleBonds(IoMm io) {
        while (true) {
            List<CompletableFuture<Void>> unsettled = table.unsettled(io);
            if (unsettled.isEmpty()) {
                return;
            }
            IommuSva.await(CompletableFuture.allOf(unsettled.toArray(new CompletableFuture[0])), "bonds of " + io);
        }
    }

    private void tearDown(Bond bond) {
        Device dev = bond.param.device();
        int pasid = bond.ioMm.pasid;
        try {
            trace.mmExit(dev, pasid, bond.ioMm.pid, mmExit(bond));
            queues.queueOf(dev).flush(dev, pasid);
            driver.detach(dev, pasid, bond.ioMm.asid);
            trace.exitTornDown(dev, pasid);
        } catch (RuntimeException e) {
            // mm-service is waiting for this release; a teardown step that failed cannot be retried from here.
            log.error("{}: teardown at exit failed, the CD may still be installed: {}", bond, e.toString());
        } finally {
            table.bondExited(bond);
        }
    }

    /** The driver's handler, when it registered one; no handler counts as a clean stop. */
    private int mmExit(Bond bond) {
        Device dev = bond.param.device();
        int pasid = bond.ioMm.pasid;
        if (!hasMmExitHandler.test(dev.id())) {
            return 0;
        }
        int ret;
        try {
            ret = deviceDrivers.mmExit(dev, pasid, bond.drvdata);
            // The driver now refuses the PASID; the next bind of it on this device tells the driver it is back.
            bond.param.exitedPasids.add(pasid);
        } catch (RuntimeException e) {
            log.warn("{}: mm_exit handler for PASID {} failed ({}): possible leak of PASID {}", dev.id(), pasid, e, pasid);
            return -1;
        }
        if (ret != 0) {
            log.warn("{}: mm_exit handler returned {}: possible leak of PASID {}", dev.id(), ret, pasid);
        }
        return ret;
    }
}
