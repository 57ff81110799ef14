package org.svafabric.iommu.core.port;

import java.util.List;
import java.util.Optional;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * What the IOMMU core needs from the CPU side (mm-service). Every method may block on remote I/O and is
 * bounded by a timeout in its implementation; failures are {@link org.svafabric.api.error.ErrnoException}s
 * (ESRCH for a process that is gone).
 */
public interface MmPort {

    /** The process, or empty when there is none with that pid. */
    Optional<ProcessInfo> process(long pid);

    /**
     * Pins the mm's ASID so that a rollover cannot change it while the SMMU uses it from a CD
     * (arm64 mm_context_get); returns it.
     */
    int pinAsid(long pid);

    /** Drops the pin taken by {@link #pinAsid}; allowed after the process exited (mm_context_put). */
    void unpinAsid(long pid);

    /** Registers the core's MMU notifier on the mm. */
    NotifierSubscription subscribe(long pid);

    /** Unregisters it (mmu_notifier_unregister); only for a process that has not exited. */
    void unsubscribe(long pid, long subscriptionId);

    /**
     * What io_mm_alloc asks of the CPU side: the process must be running (ESRCH otherwise), its ASID is pinned
     * ({@link #pinAsid}), then the notifier registered ({@link #subscribe}); both or neither. The subscription
     * carries the pinned ASID. This default makes the separate calls; an implementation may make them one.
     */
    default NotifierSubscription pinAndSubscribe(long pid) {
        if (process(pid).filter(ProcessInfo::isRunning).isEmpty()) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no running process with pid " + pid);
        }
        int asid = pinAsid(pid);
        NotifierSubscription sub;
        try {
            sub = subscribe(pid);
        } catch (RuntimeException e) {
            try {
                unpinAsid(pid);
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
        return new NotifierSubscription(sub.id(), sub.pgd(), asid);
    }

    /**
     * What io_mm_free asks of it for a process that has not exited: {@link #unsubscribe}, then {@link #unpinAsid}
     * even when the notifier was already gone (that ErrnoException is thrown after the unpin).
     */
    default void unsubscribeAndUnpin(long pid, long subscriptionId) {
        ErrnoException gone = null;
        try {
            unsubscribe(pid, subscriptionId);
        } catch (ErrnoException e) {
            gone = e;
        }
        unpinAsid(pid);
        if (gone != null) {
            throw gone;
        }
    }

    /**
     * handle_mm_fault for each page, in order, as one call: VMA lookup, permission check (read, write, exec,
     * privileged), then the page made present. Returns one result per fault, in the same order.
     */
    List<MmFaultResult> handleMmFault(long pid, List<MmFault> faults);
}
