package org.svafabric.device.driver;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.device.Device;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobTable;

/**
 * The kernel driver of one device: programs jobs into it and handles mm_exit.
 *
 * <p>mm_exit(pasid) with the stop-dma policy, in this order: (1) stop taking jobs for the
 * PASID; (2) abort its queued jobs and ask its running ones to stop; (3) wait for them to
 * finish or abort; (4) PCIe PASID stop: wait until no page request of the PASID is outstanding,
 * then send the PASID's Stop Marker (a page request with L = 1, R = W = 0, which the IOMMU's fault
 * queue takes without answering); then acknowledge. After that the device issues no transaction with
 * the PASID. Submissions
 * and step (1) hold the same lock, so no job of the PASID slips in behind the stop.
 */
public final class DeviceDriver {
    private static final Logger log = LoggerFactory.getLogger(DeviceDriver.class);

    private final Device device;
    private final JobTable jobs;
    private final Consumer<FabricEvent> events;
    private final Duration stopTimeout;
    /** Guarded by {@code this}: PASIDs whose mm exited, refused until the driver releases them. */
    private final Set<Integer> stopped = new HashSet<>();
    private volatile MmExitPolicy policy = MmExitPolicy.STOP_DMA;

    public DeviceDriver(Device device, JobTable jobs, Consumer<FabricEvent> events, Duration stopTimeout) {
        this.device = device;
        this.jobs = jobs;
        this.events = events;
        this.stopTimeout = stopTimeout;
    }

    public Device device() {
        return device;
    }

    public MmExitPolicy policy() {
        return policy;
    }

    /** iommu_register_mm_exit_handler: the handler registered for this device. */
    public void registerMmExitHandler(MmExitPolicy p) {
        this.policy = p;
    }

    /**
     * Programs a job into the device. Refused (EINVAL) when the device cannot tag requests with
     * the PASID; ESRCH when the PASID's mm exited; EBUSY when the queue is full. A PASID that is
     * simply not bound is not the driver's to know: the SMMU refuses the job's first access.
     */
    public Job submit(JobSpec spec) {
        return submit(spec, null);
    }

    /** As {@link #submit(JobSpec)}, the job recorded as submitted by {@code uid} (null: unknown). */
    public Job submit(JobSpec spec, Long uid) {
        return submit(spec, uid, TimingTable.defaults());
    }

    /** The same, the job's model clock priced by {@code timing}. */
    public Job submit(JobSpec spec, Long uid, TimingTable timing) {
        Integer pasid = spec.pasid();
        if (pasid != null) {
            checkPasid(pasid);
        }
        synchronized (this) {
            if (pasid != null && stopped.contains(pasid)) {
                throw new ErrnoException(Errno.ESRCH, "pasid-exited",
                        "the address space of PASID " + pasid + " exited (mm_exit): device " + device.id() + " takes no more jobs for it");
            }
            Job job = new Job(jobs.nextId(), device.id(), spec, uid, device.now(), timing);
            jobs.add(job);
            try {
                device.accept(job);
            } catch (RuntimeException e) {
                jobs.remove(job);
                throw e;
            }
            return job;
        }
    }

    private void checkPasid(int pasid) {
        int bits = device.pasidBits();
        if (bits == 0) {
            throw ErrnoException.invalid("device " + device.id() + " has no PASID support: submit without pasid (IOVAs of its domain)");
        }
        if (pasid >= (1L << bits)) {
            throw ErrnoException.invalid("pasid " + pasid + " does not fit device " + device.id() + "'s " + bits + "-bit PASID width");
        }
        if (device.isPci() && !device.pcie().pasidEnabled()) {
            throw ErrnoException.invalid("device " + device.id()
                    + " has PASID disabled: SVA is not initialised on it (iommu_sva_device_init)");
        }
    }

    /**
     * The registered mm_exit handler. Returns 0 once no DMA of the PASID can happen any more,
     * -1 when the policy ignores the call or the device did not stop in time.
     */
    public int mmExit(int pasid) {
        events.accept(FabricEvent.of("MM_EXIT", device.id(), device.sid(), pasid, null, null, "policy " + policy.wireName()));
        if (policy == MmExitPolicy.IGNORE) {
            log.warn("device {}: mm_exit handler ignores PASID {}: DMA is not stopped (possible PASID leak)", device.id(), pasid);
            return -1;
        }
        synchronized (this) {
            stopped.add(pasid);
        }
        List<Job> mine = device.queue().active(j -> Integer.valueOf(pasid).equals(j.pasid()));
        for (Job j : mine) {
            if (j.abortQueued(device.now(), "aborted before it ran: PASID " + pasid + " stopped by mm_exit")) {
                device.queue().forget(j);
            } else {
                j.requestAbort();
            }
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        boolean stoppedInTime = true;
        for (Job j : mine) {
            stoppedInTime &= awaitFinal(j, deadline);
        }
        if (device.isPci() && device.pcie().pri() != null) {
            long left = Math.max(0, deadline - System.nanoTime());
            int abandoned = device.pcie().pri().quiesce(pasid, Duration.ofNanos(left));
            stoppedInTime &= abandoned == 0;
            try {
                device.pcie().pri().stopMarker(pasid);
            } catch (RuntimeException e) {
                // The message is a courtesy to the host's fault queue, which is flushed for the PASID anyway.
                log.warn("device {}: Stop Marker for PASID {} not delivered: {}", device.id(), pasid, e.toString());
            }
        }
        if (!stoppedInTime) {
            log.error("device {}: DMA of PASID {} did not stop within {}", device.id(), pasid, stopTimeout);
            return -1;
        }
        return 0;
    }

    private static boolean awaitFinal(Job j, long deadline) {
        try {
            j.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /**
     * The fault handler this driver registered with the IOMMU (iommu_register_device_fault_handler): an unrecoverable
     * fault of the device, a transaction the IOMMU terminated. The driver records it on the job whose buffer holds
     * the address (the newest such job of the PASID) and in its events; the job itself already saw its transaction
     * fail. Returns the job it was recorded on, if any.
     */
    public java.util.Optional<Job> deviceFault(org.svafabric.device.engine.UnrecoverableFault f) {
        java.util.Optional<Job> job = jobs.newestTouching(device.id(), f.pasid(), f.addr());
        job.ifPresent(j -> j.noteUnrecoverable(f));
        events.accept(FabricEvent.of("IOMMU_FAULT", device.id(), device.sid(), f.pasid(), null, f.addr(),
                "unrecoverable " + f.reason() + " (" + f.event() + ")" + (f.perm().isEmpty() ? "" : " " + String.join("/", f.perm()))
                        + job.map(j -> ", job " + j.id()).orElse(", no job of this device holds the address")));
        return job;
    }

    /**
     * The exited PASID is free again (its bond is gone and the PASID may be handed to another
     * address space): jobs for it are accepted again. Until then they are refused, so a stale
     * job of the dead process can never run against the next owner of the PASID.
     */
    public synchronized boolean release(int pasid) {
        return stopped.remove(pasid);
    }

    /**
     * The SMMU or RAM rebooted under the device: every bond it worked for is gone and a PASID may be handed
     * to another process next. Every job is aborted with {@code why} (queued ones at once, running ones at
     * their next segment, so none goes on into a PASID's next owner), the PASIDs stopped by mm_exit start
     * clean, the page requests outstanding are given up (no response can come from an SMMU that was reset),
     * and the ATC is emptied. Returns the jobs aborted.
     */
    public int machineReset(String why) {
        synchronized (this) {
            stopped.clear();
        }
        List<Job> active = device.queue().active(j -> true);
        for (Job j : active) {
            if (j.abortQueued(device.now(), why)) {
                device.queue().forget(j);
            } else {
                j.requestAbort(why);
            }
        }
        int abandoned = 0;
        if (device.isPci() && device.pcie().pri() != null) {
            abandoned = device.pcie().pri().abandonAll();
        }
        if (device.isPci() && device.pcie().atc() != null) {
            device.pcie().atc().invalidate(null, 0, 0, true);
        }
        events.accept(FabricEvent.of("RESET", device.id(), device.sid(), null, null, null,
                why + ": " + active.size() + " jobs aborted, " + abandoned + " page request groups given up, ATC emptied"));
        return active.size();
    }

    public synchronized Set<Integer> stoppedPasids() {
        return Set.copyOf(stopped);
    }
}
