package org.svafabric.iommu.core.sva;

import java.util.concurrent.CompletableFuture;

/**
 * A device bound to an io_mm (struct iommu_bond). {@code refs} is v1's bind count: binding the same
 * (device, mm) again reuses the bond, and each bind needs its own unbind.
 *
 * <p>Mutable fields are guarded by the {@link IoMmTable} lock. The transient states ATTACHING and DETACHING
 * mean a CD write or clear is in flight outside the lock; {@code settled} completes when it is done, and the
 * release notifier waits for it so that it never acknowledges an exit while a CD still names the mm.
 */
final class Bond {

    enum State {
        /** The binder is writing the CD. */
        ATTACHING,
        /** The CD is installed. */
        BOUND,
        /** The unbinder (or a binder that lost to exit) is clearing the CD. */
        DETACHING,
        /** release runs the driver's mm_exit, flushes the fault queue and clears the CD. */
        EXITING,
        /** Unlinked: unbound, or freed by release once the mm exited (v1). */
        GONE
    }

    final IoMm ioMm;
    final SvaDeviceParam param;
    final String drvdata;
    int refs = 1;
    State state = State.ATTACHING;
    CompletableFuture<Void> settled = new CompletableFuture<>();
    /** Completes when release is done with this bond; unbind waits on it (v1: mm_exit_active). */
    final CompletableFuture<Void> exited = new CompletableFuture<>();

    Bond(IoMm ioMm, SvaDeviceParam param, String drvdata) {
        this.ioMm = ioMm;
        this.param = param;
        this.drvdata = drvdata;
    }

    boolean isTransient() {
        return state == State.ATTACHING || state == State.DETACHING;
    }

    @Override
    public String toString() {
        return "bond{" + param.device().id() + ", pasid=" + ioMm.pasid + ", " + state + ", refs=" + refs + "}";
    }
}
