package org.svafabric.iommu.core.sva;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A process address space shared with devices (struct io_mm): one PASID for the mm system-wide, the ASID
 * pinned for it, the MMU-notifier subscription, and the bonds of the devices bound to it.
 *
 * <p>Every mutable field is guarded by the {@link IoMmTable} lock. {@code refs} counts the holders: one per
 * bond, plus whoever is between a lookup and the bond it creates (a binder) or tearing it down (release).
 * The PASID goes back to the allocator only when {@code refs} drops to zero, so a PASID is never reused while
 * a bond, even one whose mm exited, can still name it.
 */
final class IoMm {

    enum State {
        /** In the PASID table but not usable yet: the ASID pin and notifier registration are in flight. */
        CREATING,
        /** Usable: iommu_sva_find returns it and new bonds may attach. */
        LIVE,
        /** The mm's release notifier runs: bonds are being torn down, nothing new attaches, find returns nothing. */
        EXITING,
        /** The mm is gone; bonds may still hold the io_mm (and its PASID) until their driver unbinds. */
        EXITED,
        /** Out of the PASID table. */
        FREED
    }

    final int pasid;
    final long pid;
    long pgd;
    int asid;
    long subscriptionId;
    State state = State.CREATING;
    /** Set when release finished: mm-service has dropped the notifier registration itself. */
    boolean mmExited;
    int refs = 1;
    final List<Bond> bonds = new ArrayList<>();
    /** Completes when CREATING ends, either way; concurrent binders of the same mm wait on it. */
    final CompletableFuture<Void> created = new CompletableFuture<>();
    /** Completes when the release notifier finished with it; a second release waits on it. */
    final CompletableFuture<Void> released = new CompletableFuture<>();

    IoMm(int pasid, long pid) {
        this.pasid = pasid;
        this.pid = pid;
    }

    Bond bondOf(SvaDeviceParam param) {
        for (Bond b : bonds) {
            if (b.param == param) {
                return b;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "io_mm{pasid=" + pasid + ", pid=" + pid + ", " + state + ", refs=" + refs + "}";
    }
}
