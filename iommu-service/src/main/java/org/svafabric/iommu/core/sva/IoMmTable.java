package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.PasidView;

import org.svafabric.api.iommu.BondView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.Device;

/**
 * The io_mms, their bonds and the PASID space, behind one lock (the kernel's iommu_sva_lock). Each method is
 * one atomic step of bind, unbind, release or lookup; nothing here calls a port, so the lock is only ever
 * held for memory operations. The callers do the remote work between steps, with the step's state
 * (CREATING, ATTACHING, DETACHING, EXITING) telling everyone else what is in flight.
 *
 * <p>Invariants: at most one io_mm per process is in {@link #active} (CREATING, LIVE or EXITING), so a
 * process has one PASID at a time; a PASID is in the allocator exactly as long as its io_mm has holders. As in
 * v1, the release notifier frees every bond of an exiting mm, so the PASID is freed when release ends, not at
 * the drivers' later unbinds (which find no bond: ESRCH).
 */
final class IoMmTable {
    private final ReentrantLock lock = new ReentrantLock();
    private final PasidAllocator pasids = new PasidAllocator();
    /** The io_mm of each process that has not finished exiting. */
    private final Map<Long, IoMm> active = new HashMap<>();
    private int bondCount;

    /** What a binder found for (process, device), with a reference taken where it holds an io_mm. */
    sealed interface BindLookup permits Rebound, Existing, Pending, Reserved {
    }

    /** The device was already bound to the mm: v1 counted one more bind on the bond. */
    record Rebound(int pasid) implements BindLookup {
    }

    /** The mm has a LIVE io_mm; the binder holds a reference. */
    record Existing(IoMm ioMm) implements BindLookup {
    }

    /** Another binder is creating the mm's io_mm; wait for it, then look again. */
    record Pending(CompletableFuture<Void> created) implements BindLookup {
    }

    /** A new io_mm in CREATING with its PASID; the binder holds the only reference and must activate or abandon it. */
    record Reserved(IoMm ioMm) implements BindLookup {
    }

    /** Whether the process has an io_mm (CREATING, LIVE or EXITING). */
    boolean hasIoMm(long pid) {
        lock.lock();
        try {
            return active.containsKey(pid);
        } finally {
            lock.unlock();
        }
    }

    BindLookup lookupForBind(long pid, SvaDeviceParam param) {
        lock.lock();
        try {
            IoMm io = active.get(pid);
            if (io == null) {
                return reserve(pid, param);
            }
            if (io.state == IoMm.State.CREATING) {
                return new Pending(io.created);
            }
            if (io.state != IoMm.State.LIVE) {
                throw new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " is exiting");
            }
            Bond bond = io.bondOf(param);
            if (bond != null && bond.state == Bond.State.BOUND) {
                bond.refs++;
                return new Rebound(io.pasid);
            }
            if (!param.inRange(io.pasid)) {
                throw new ErrnoException(Errno.ERANGE, "pasid-out-of-range", "process " + pid + " already has PASID "
                        + io.pasid + ", outside [" + param.minPasid() + ", " + param.maxPasid() + "] of "
                        + param.device().id());
            }
            io.refs++;
            return new Existing(io);
        } finally {
            lock.unlock();
        }
    }

    private Reserved reserve(long pid, SvaDeviceParam param) {
        int pasid = pasids.lowestFree(param.minPasid(), param.maxPasid());
        if (pasid < 0) {
            throw new ErrnoException(Errno.ENOSPC, "pasid-exhausted", "no free PASID in [" + param.minPasid() + ", "
                    + param.maxPasid() + "] for " + param.device().id());
        }
        IoMm io = new IoMm(pasid, pid);
        pasids.install(pasid, io);
        active.put(pid, io);
        return new Reserved(io);
    }

    /** CREATING -> LIVE once the ASID is pinned and the notifier registered. */
    void activate(IoMm io, long pgd, int asid, long subscriptionId) {
        lock.lock();
        try {
            io.pgd = pgd;
            io.asid = asid;
            io.subscriptionId = subscriptionId;
            io.state = IoMm.State.LIVE;
        } finally {
            lock.unlock();
        }
        io.created.complete(null);
    }

    /** CREATING failed: the PASID goes back at once (nobody else could hold it) and waiters look again. */
    void abandon(IoMm io) {
        lock.lock();
        try {
            pasids.remove(io.pasid);
            active.remove(io.pid, io);
            io.refs = 0;
            io.state = IoMm.State.FREED;
        } finally {
            lock.unlock();
        }
        io.created.complete(null);
    }

    /**
     * Links a new ATTACHING bond that takes over the binder's reference, or returns null when the mm started
     * exiting since the lookup (the binder still holds its reference and must put it).
     */
    Bond addBond(IoMm io, SvaDeviceParam param, String drvdata) {
        lock.lock();
        try {
            if (io.state != IoMm.State.LIVE) {
                return null;
            }
            Bond bond = new Bond(io, param, drvdata);
            io.bonds.add(bond);
            param.bonds.add(bond);
            bondCount++;
            return bond;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The CD is written. True: the bond is BOUND. False: release began meanwhile and is waiting for this bond
     * to settle; it stays DETACHING and the binder must clear the CD, {@link #unlink} and put.
     */
    boolean finishAttach(Bond bond) {
        CompletableFuture<Void> settled;
        lock.lock();
        try {
            if (bond.ioMm.state != IoMm.State.LIVE) {
                bond.state = Bond.State.DETACHING;
                return false;
            }
            bond.state = Bond.State.BOUND;
            settled = bond.settled;
        } finally {
            lock.unlock();
        }
        settled.complete(null);
        return true;
    }

    /** Removes a bond whose CD is cleared (or was never written); its reference is the caller's to put. */
    void unlink(Bond bond) {
        CompletableFuture<Void> settled;
        lock.lock();
        try {
            bond.state = Bond.State.GONE;
            bond.ioMm.bonds.remove(bond);
            bond.param.bonds.remove(bond);
            bondCount--;
            settled = bond.settled;
        } finally {
            lock.unlock();
        }
        settled.complete(null);
    }

    /**
     * Drops one reference. True when it was the last: the PASID is back in the allocator and the io_mm is
     * FREED; the caller then drops the ASID pin (and the notifier, when the mm has not exited).
     */
    boolean put(IoMm io) {
        lock.lock();
        try {
            if (--io.refs > 0) {
                return false;
            }
            if (io.refs < 0 || io.state == IoMm.State.CREATING || io.state == IoMm.State.FREED) {
                throw new IllegalStateException("put of " + io);
            }
            pasids.remove(io.pasid);
            active.remove(io.pid, io);
            io.state = IoMm.State.FREED;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The device's bond at {@code pasid} (iommu_sva_unbind_device looks it up), or null. */
    Bond findBond(SvaDeviceParam param, int pasid) {
        lock.lock();
        try {
            for (Bond b : param.bonds) {
                if (b.ioMm.pasid == pasid) {
                    return b;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    List<Bond> bondsOf(SvaDeviceParam param) {
        lock.lock();
        try {
            return new ArrayList<>(param.bonds);
        } finally {
            lock.unlock();
        }
    }

    /** What an unbind does next with a bond. */
    enum UnbindAction {
        /** release is running on the bond: wait for {@link Bond#exited}, then begin again. */
        WAIT_FOR_EXIT,
        /** Other binds still hold the bond. */
        KEPT,
        /** The bond is DETACHING: clear the CD, then {@link #unlink} and put. */
        DETACH,
        /**
         * release freed the bond while this unbind waited for it (v1: unbind waits for mm_exit_active, then
         * the bond is gone): nothing is left to drop, and the unbind succeeds.
         */
        RELEASED
    }

    /** One unbind of {@code bond}, or all of its binds for {@code all} (device shutdown). */
    UnbindAction beginUnbind(Bond bond, boolean all) {
        lock.lock();
        try {
            switch (bond.state) {
                case EXITING:
                    return UnbindAction.WAIT_FOR_EXIT;
                case BOUND:
                    bond.refs = all ? 0 : bond.refs - 1;
                    if (bond.refs > 0) {
                        return UnbindAction.KEPT;
                    }
                    bond.state = Bond.State.DETACHING;
                    bond.settled = new CompletableFuture<>();
                    return UnbindAction.DETACH;
                case GONE:
                    return UnbindAction.RELEASED;
                default:
                    throw new IllegalStateException("unbind of " + bond + ": the device mutex should exclude it");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Clearing the CD failed: the bond is BOUND again with one bind, and release may pick it up. */
    void detachFailed(Bond bond) {
        CompletableFuture<Void> settled;
        lock.lock();
        try {
            bond.state = Bond.State.BOUND;
            bond.refs = 1;
            settled = bond.settled;
        } finally {
            lock.unlock();
        }
        settled.complete(null);
    }

    /** What the release notifier found for a process. */
    record ReleaseStart(IoMm ioMm, CompletableFuture<Void> waitFor) {
        static ReleaseStart nothing() {
            return new ReleaseStart(null, null);
        }
    }

    /**
     * Starts release for {@code pid}: nothing when it has no io_mm; a future to wait for (then start again)
     * when the io_mm is being created or another release is running; otherwise the io_mm, now EXITING, with
     * a reference for the releaser.
     */
    ReleaseStart beginRelease(long pid) {
        lock.lock();
        try {
            IoMm io = active.get(pid);
            if (io == null) {
                return ReleaseStart.nothing();
            }
            if (io.state == IoMm.State.CREATING) {
                return new ReleaseStart(null, io.created);
            }
            if (io.state == IoMm.State.EXITING) {
                return new ReleaseStart(null, io.released);
            }
            io.state = IoMm.State.EXITING;
            io.refs++;
            return new ReleaseStart(io, null);
        } finally {
            lock.unlock();
        }
    }

    /** Bonds of an EXITING io_mm whose CD write or clear is still in flight. */
    List<CompletableFuture<Void>> unsettled(IoMm io) {
        lock.lock();
        try {
            List<CompletableFuture<Void>> out = new ArrayList<>();
            for (Bond b : io.bonds) {
                if (b.isTransient()) {
                    out.add(b.settled);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks every BOUND bond EXITING and returns them, or returns null, marking nothing, while a bond is
     * transient. The check and the marking are one step under the lock: an unbind that turned a BOUND bond
     * DETACHING after the releaser last waited would otherwise be skipped here, and release would return
     * while that unbind still had the CD installed. Nothing attaches to an EXITING io_mm, and unbind waits
     * for EXITING bonds, so once this returns a list no bond of the io_mm becomes transient again.
     */
    List<Bond> markExiting(IoMm io) {
        lock.lock();
        try {
            for (Bond b : io.bonds) {
                if (b.isTransient()) {
                    return null;
                }
            }
            List<Bond> out = new ArrayList<>();
            for (Bond b : io.bonds) {
                if (b.state == Bond.State.BOUND) {
                    b.state = Bond.State.EXITING;
                    out.add(b);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * v1 release frees the bond once its mm_exit, fault flush and CD clear are done ("Drop all references to
     * this io_mm by freeing the bonds"): it is unlinked from the device and the io_mm, and its reference is
     * dropped. The releaser still holds its own, so the io_mm (and its PASID) is freed by {@link #endRelease}.
     */
    void bondExited(Bond bond) {
        lock.lock();
        try {
            bond.state = Bond.State.GONE;
            bond.refs = 0;
            bond.ioMm.bonds.remove(bond);
            bond.param.bonds.remove(bond);
            bondCount--;
            if (--bond.ioMm.refs <= 0) {
                throw new IllegalStateException("release of " + bond + " without the releaser's reference");
            }
        } finally {
            lock.unlock();
        }
        bond.exited.complete(null);
    }

    /**
     * Ends release: the io_mm is EXITED and leaves {@link #active}. Returns {@link #put}'s answer for the
     * releaser's reference, which is the last one once every bond was released (a bond that was still being
     * attached or detached when the exit began holds its reference until its binder or unbinder puts it).
     */
    boolean endRelease(IoMm io) {
        boolean freed;
        lock.lock();
        try {
            io.state = IoMm.State.EXITED;
            io.mmExited = true;
            active.remove(io.pid, io);
            freed = put(io);
        } finally {
            lock.unlock();
        }
        io.released.complete(null);
        return freed;
    }

    /** What invalidate_range must reach: every device whose CD may name the mm. */
    record InvalidationTarget(int pasid, int asid, List<Device> devices) {
    }

    Optional<InvalidationTarget> invalidationTarget(long pid) {
        lock.lock();
        try {
            IoMm io = active.get(pid);
            if (io == null || io.state == IoMm.State.CREATING) {
                return Optional.empty();
            }
            List<Device> devices = new ArrayList<>();
            for (Bond b : io.bonds) {
                if (b.state != Bond.State.GONE) {
                    devices.add(b.param.device());
                }
            }
            return devices.isEmpty() ? Optional.empty() : Optional.of(new InvalidationTarget(io.pasid, io.asid, devices));
        } finally {
            lock.unlock();
        }
    }

    /** iommu_sva_find: the pid of the LIVE io_mm at {@code pasid}; nothing for an unknown, freed or exiting one. */
    OptionalLong find(int pasid) {
        lock.lock();
        try {
            IoMm io = pasids.lookup(pasid);
            return io != null && io.state == IoMm.State.LIVE ? OptionalLong.of(io.pid) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    Optional<PasidView> pasid(int pasid) {
        lock.lock();
        try {
            IoMm io = pasids.lookup(pasid);
            return io == null ? Optional.empty() : Optional.of(snapshot(io));
        } finally {
            lock.unlock();
        }
    }

    List<BondView> bondSnapshots(SvaDeviceParam param) {
        lock.lock();
        try {
            List<BondView> out = new ArrayList<>();
            for (Bond b : param.bonds) {
                out.add(snapshot(b));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    int allocatedPasids() {
        lock.lock();
        try {
            return pasids.allocated();
        } finally {
            lock.unlock();
        }
    }

    int bondCount() {
        lock.lock();
        try {
            return bondCount;
        } finally {
            lock.unlock();
        }
    }

    private static PasidView snapshot(IoMm io) {
        List<BondView> bonds = new ArrayList<>();
        for (Bond b : io.bonds) {
            bonds.add(snapshot(b));
        }
        return new PasidView(io.pasid, io.pid, io.state.name(), bonds);
    }

    private static BondView snapshot(Bond b) {
        return new BondView(b.param.device().id(), b.ioMm.pasid, b.ioMm.pid, b.refs, b.state.name());
    }
}
