package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.BondView;
import org.svafabric.api.iommu.PasidView;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.iopf.FaultKindNotes;
import org.svafabric.iommu.core.iopf.IopfQueues;
import org.svafabric.iommu.core.iopf.MmFaultHandler;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.core.port.IommuDriverOps;
import org.svafabric.iommu.core.port.MmPort;
import org.svafabric.iommu.core.port.NotifierSubscription;
import org.svafabric.iommu.core.port.ProcessInfo;
import org.svafabric.iommu.core.port.SvaSupport;

/**
 * The SVA bind API of the 2018 "Shared Virtual Addressing for the IOMMU" series (v1): device init and
 * shutdown, the mm_exit handler registration, bind, unbind and find. The MMU-notifier side is
 * {@link SvaMmNotifier}, obtained from {@link #notifier()}.
 *
 * <p>Locking: one global lock inside {@link IoMmTable} for io_mms, bonds and PASIDs, held only for memory
 * operations; a per-device mutex ({@link SvaDeviceParam#mutex}) serialising init, bind, unbind and shutdown
 * of one device and held across that device's driver and mm-service calls. Release (process exit) and the
 * fault path take neither across a remote call, so an unbind waiting for an mm_exit, or a release waiting
 * for a fault group, cannot close a cycle.
 */
public final class IommuSva {
    private final IommuDriverOps driver;
    private final MmPort mm;
    private final DeviceDriverPort deviceDrivers;
    private final SvaListener trace;
    private final IopfQueues queues;
    private final IoMmTable table = new IoMmTable();
    private final IoMmRefs refs;
    private final Map<String, SvaDeviceParam> params = new ConcurrentHashMap<>();
    private final Set<String> mmExitHandlers = ConcurrentHashMap.newKeySet();
    private final MmFaultHandler faultHandler;
    private final SvaMmNotifier notifier;

    public IommuSva(IommuDriverOps driver, MmPort mm, DeviceDriverPort deviceDrivers, IopfQueues queues, SvaListener trace) {
        this(driver, mm, deviceDrivers, queues, trace, new FaultKindNotes());
    }

    /** {@code faultKinds}: where the fault handler notes what handle_mm_fault took, for the answers to carry. */
    public IommuSva(IommuDriverOps driver, MmPort mm, DeviceDriverPort deviceDrivers, IopfQueues queues, SvaListener trace,
                    FaultKindNotes faultKinds) {
        this.driver = driver;
        this.mm = mm;
        this.deviceDrivers = deviceDrivers;
        this.trace = trace;
        this.queues = queues;
        this.refs = new IoMmRefs(table, mm);
        this.faultHandler = new MmFaultHandler(table::find, mm, faultKinds);
        this.notifier = new SvaMmNotifier(table, refs, driver, deviceDrivers, queues, mmExitHandlers::contains, trace);
    }

    /** PASIDs allocated (an io_mm holds each). */
    public int allocatedPasids() {
        return table.allocatedPasids();
    }

    /** Device-mm bonds. */
    public int bondCount() {
        return table.bondCount();
    }

    public SvaMmNotifier notifier() {
        return notifier;
    }

    /**
     * iommu_sva_device_init: checks what the SMMU and the device can do for {@code features}, settles the
     * PASID range, enables PASID/PRI/ATS on the device and, for IOPF, puts it on its SMMU's fault queue.
     * The range is [1, min(2^SSIDSIZE, 2^pasidBits) - 1]: PASID 0 stays for traffic without PASID, as on Arm;
     * a non-zero {@code maxPasid} below that limit narrows it.
     */
    public SvaDeviceView deviceInit(Device device, Set<SvaFeature> features, int maxPasid) {
        if (maxPasid < 0) {
            throw new ErrnoException(Errno.EINVAL, "invalid-argument", "max_pasid must not be negative");
        }
        if (params.containsKey(device.id())) {
            throw alreadyInitialised(device);
        }
        SvaSupport support = driver.svaSupport(device).orElseThrow(() -> new ErrnoException(Errno.ENODEV,
                "feature-unsupported", "the IOMMU driver cannot share address spaces with " + device.id()));
        // v2 made PASID mandatory: every bond is a PASID, so without one there is nothing to bind.
        if (support.ssidBits() == 0 || device.pasidBits() == 0) {
            throw new ErrnoException(Errno.ENODEV, "feature-unsupported", device.id() + " cannot tag DMA with a PASID"
                    + (support.ssidBits() == 0 ? ": the SMMU has no substreams" : ": the device has no PASID capability"));
        }
        boolean iopf = features.contains(SvaFeature.IOPF);
        boolean pri = device.pri() && support.pri();
        boolean stall = device.stall() && support.stall();
        if (iopf && !pri && !stall) {
            throw new ErrnoException(Errno.ENODEV, "feature-unsupported", device.id()
                    + " cannot wait for I/O page faults: neither PRI nor stall is available to it");
        }
        int limit = (1 << Math.min(support.ssidBits(), device.pasidBits())) - 1;
        int max = maxPasid != 0 && maxPasid < limit ? maxPasid : limit;
        SvaDeviceParam param = new SvaDeviceParam(device, features, 1, max, iopf && !pri);
        if (params.putIfAbsent(device.id(), param) != null) {
            throw alreadyInitialised(device);
        }
        param.mutex.lock();
        try {
            driver.enableSva(device, iopf);
            try {
                if (iopf) {
                    queues.queueOf(device).addDevice(device, faultHandler);
                }
            } catch (RuntimeException e) {
                resetQuietly(device, e);
                throw e;
            }
            param.live = true;
            return view(param);
        } catch (RuntimeException e) {
            params.remove(device.id(), param);
            throw e;
        } finally {
            param.mutex.unlock();
        }
    }

    /**
     * iommu_sva_device_shutdown: every bond goes, whatever its bind count (faults flushed first, mm_exit in
     * progress waited for), the device leaves its fault queue and is reset.
     */
    public void deviceShutdown(Device device) {
        deviceShutdown(device, null);
    }

    /**
     * iommu_sva_device_shutdown on behalf of the machine, not of a driver: a peer rebooted and the bonds it
     * held cannot stand. Each UNBIND event says {@code reason}.
     */
    public void deviceShutdown(Device device, String reason) {
        SvaDeviceParam param = params.get(device.id());
        if (param == null || !param.live) {
            throw new ErrnoException(Errno.ENODEV, "not-initialised", "SVA is not initialised on " + device.id());
        }
        param.mutex.lock();
        try {
            if (!param.live) {
                throw new ErrnoException(Errno.ENODEV, "not-initialised", "SVA is not initialised on " + device.id());
            }
            queues.queueOf(device).flushDevice(device);
            for (Bond bond : table.bondsOf(param)) {
                unbind(bond, true, reason);
            }
            param.live = false;
            queues.queueOf(device).removeDevice(device);
            driver.resetDevice(device);
            params.remove(device.id(), param);
        } finally {
            param.mutex.unlock();
        }
    }

    /**
     * iommu_register_mm_exit_handler: from now on, when a process bound to the device exits, the driver's
     * handler in device-service is called for each of its bonds before the PASID is torn down.
     */
    public void registerMmExitHandler(Device device) {
        mmExitHandlers.add(device.id());
    }

    public void unregisterMmExitHandler(Device device) {
        mmExitHandlers.remove(device.id());
    }

    /**
     * iommu_sva_bind_device: binds the process's address space to the device and returns its PASID, the same
     * for every device the mm is bound to. Binding the same device and mm again returns the same PASID and
     * needs one more unbind (v1).
     */
    public int bind(Device device, long pid, Set<SvaFeature> flags, String drvdata) {
        SvaDeviceParam param = initialised(device);
        if (!param.allows(flags)) {
            throw new ErrnoException(Errno.EINVAL, "invalid-flags", "flags " + flags + " are not a subset of the features "
                    + param.features() + " enabled on " + device.id());
        }
        param.mutex.lock();
        try {
            if (!param.live) {
                throw notInitialised(device);
            }
            // A new io_mm is created by one mm-service call that refuses a process that is not running
            // (pinAndSubscribe); binding to the io_mm the process already has asks mm-service first, since the
            // process may have begun exiting before its release reached the core.
            if (table.hasIoMm(pid)) {
                mm.process(pid).filter(ProcessInfo::isRunning).orElseThrow(() -> noRunningProcess(pid));
            }
            IoMmTable.BindLookup found;
            try {
                found = lookupForBind(pid, param);
            } catch (ErrnoException e) {
                throw e.errno() == Errno.ENOSPC ? noPasidFor(pid, e) : e;
            }
            if (found instanceof IoMmTable.Rebound rebound) {
                trace.bound(device, rebound.pasid(), pid, true);
                return rebound.pasid();
            }
            return attach(param, ((IoMmTable.Existing) found).ioMm(), drvdata);
        } finally {
            param.mutex.unlock();
        }
    }

    /**
     * Either the device was already bound to the mm, or an existing LIVE io_mm on which the binder now holds a
     * reference: waits out a concurrent creation, and creates the io_mm when the mm has none.
     */
    private IoMmTable.BindLookup lookupForBind(long pid, SvaDeviceParam param) {
        while (true) {
            IoMmTable.BindLookup found = table.lookupForBind(pid, param);
            if (found instanceof IoMmTable.Pending pending) {
                await(pending.created(), "the io_mm of pid " + pid);
                continue;
            }
            if (found instanceof IoMmTable.Reserved reserved) {
                create(reserved.ioMm());
                return new IoMmTable.Existing(reserved.ioMm());
            }
            return found;
        }
    }

    /**
     * Completes a CREATING io_mm: pins the ASID (the CD will hold it) and registers the notifier (after which
     * release may come at any time, and waits for this creation to finish), in one call to mm-service, as
     * io_mm_alloc does mm_context_get and mmu_notifier_register.
     */
    private void create(IoMm io) {
        NotifierSubscription sub;
        try {
            sub = mm.pinAndSubscribe(io.pid);
        } catch (ErrnoException e) {
            table.abandon(io);
            throw e.errno() == Errno.ESRCH ? noRunningProcess(io.pid) : e;
        } catch (RuntimeException e) {
            table.abandon(io);
            throw e;
        }
        table.activate(io, sub.pgd(), sub.asid(), sub.id());
    }

    /**
     * No PASID is free for a process that has no io_mm yet. The PASID is reserved before mm-service is asked whether
     * the process runs (pinAndSubscribe, which keeps a new bind to one call), so ask now: a pid that names no running
     * process is ESRCH whatever the PASID space holds, as the kernel finds the task before it allocates anything.
     */
    private ErrnoException noPasidFor(long pid, ErrnoException enospc) {
        return mm.process(pid).filter(ProcessInfo::isRunning).isPresent() ? enospc : noRunningProcess(pid);
    }

    private static ErrnoException noRunningProcess(long pid) {
        return new ErrnoException(Errno.ESRCH, "no-such-process", "no running process with pid " + pid);
    }

    private void resetQuietly(Device device, RuntimeException cause) {
        try {
            driver.resetDevice(device);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private int attach(SvaDeviceParam param, IoMm io, String drvdata) {
        Bond bond = table.addBond(io, param, drvdata);
        if (bond == null) {
            refs.put(io);
            throw exiting(io.pid);
        }
        boolean rebound = param.exitedPasids.remove(io.pasid);
        try {
            if (rebound) {
                deviceDrivers.pasidRebound(param.device(), io.pasid);
            }
            driver.attach(param.device(), io.pasid, io.pgd, io.asid, param.stall());
        } catch (RuntimeException e) {
            if (rebound) {
                param.exitedPasids.add(io.pasid);
            }
            table.unlink(bond);
            refs.put(io);
            throw e;
        }
        if (!table.finishAttach(bond)) {
            // The mm began exiting while the CD was written; release waits for this bond to settle. The driver
            // never learnt the PASID, so no mm_exit is owed: clear the CD and fail the bind.
            try {
                driver.detach(param.device(), io.pasid, io.asid);
            } finally {
                table.unlink(bond);
                refs.put(io);
            }
            throw exiting(io.pid);
        }
        trace.bound(param.device(), io.pasid, io.pid, false);
        return io.pasid;
    }

    /**
     * iommu_sva_unbind_device: flushes the device's faults for the PASID first, so that none of them is
     * serviced after this returns; waits for an mm_exit in progress on the bond (the exit then frees the bond
     * and this unbind succeeds); drops one bind. The last one clears the CD and puts the io_mm, whose PASID is
     * freed with it. After the mm exited there is no bond left: ESRCH (v1; the PASID may already name
     * another process).
     */
    public void unbind(Device device, int pasid) {
        SvaDeviceParam param = initialised(device);
        param.mutex.lock();
        try {
            if (!param.live) {
                throw notInitialised(device);
            }
            queues.queueOf(device).flush(device, pasid);
            Bond bond = table.findBond(param, pasid);
            if (bond == null) {
                throw new ErrnoException(Errno.ESRCH, "no-such-bond", device.id() + " is not bound at PASID " + pasid
                        + " (a process's exit releases all of its bonds and frees its PASID)");
            }
            unbind(bond, false, null);
        } finally {
            param.mutex.unlock();
        }
    }

    /** One unbind (or all of them) of a bond; the caller holds the device mutex. */
    private void unbind(Bond bond, boolean all, String reason) {
        while (true) {
            IoMmTable.UnbindAction action = table.beginUnbind(bond, all);
            switch (action) {
                case WAIT_FOR_EXIT:
                    await(bond.exited, "mm_exit of " + bond);
                    continue;
                case KEPT:
                    break;
                case DETACH:
                    try {
                        driver.detach(bond.param.device(), bond.ioMm.pasid, bond.ioMm.asid);
                    } catch (RuntimeException e) {
                        table.detachFailed(bond);
                        throw e;
                    }
                    table.unlink(bond);
                    refs.put(bond.ioMm);
                    break;
                case RELEASED:
                    break;
                default:
                    throw new IllegalStateException(action.name());
            }
            if (reason != null && action != IoMmTable.UnbindAction.KEPT) {
                trace.bondLost(bond.param.device(), bond.ioMm.pasid, bond.ioMm.pid, reason);
            } else {
                trace.unbound(bond.param.device(), bond.ioMm.pasid, bond.ioMm.pid, action == IoMmTable.UnbindAction.KEPT);
            }
            return;
        }
    }

    /** iommu_sva_find: the process bound at {@code pasid}; nothing for an unknown, freed or exiting one. */
    public OptionalLong find(int pasid) {
        return table.find(pasid);
    }

    public Optional<PasidView> pasid(int pasid) {
        return table.pasid(pasid);
    }

    public Optional<SvaDeviceView> device(String deviceId) {
        SvaDeviceParam param = params.get(deviceId);
        return param == null || !param.live ? Optional.empty() : Optional.of(view(param));
    }

    /** Every SVA-initialised device with its bonds, as they are now. */
    public List<SvaDeviceView> devices() {
        return params.values().stream().filter(p -> p.live).map(this::view).toList();
    }

    /** The device behind an initialised SVA state (for a shutdown the machine asks for). */
    public Optional<Device> initialisedDevice(String deviceId) {
        SvaDeviceParam p = params.get(deviceId);
        return p == null || !p.live ? Optional.empty() : Optional.of(p.device());
    }

    /**
     * RAM rebooted under the core: every bond and io_mm went with it (their CDs, the page tables they pointed
     * at, the pinned ASIDs and notifier subscriptions). Nothing can be torn down through a driver whose tables
     * are gone, so each is only reported, with {@code reason}; the service then reboots and starts clean.
     */
    public void reportLost(String reason) {
        for (SvaDeviceView d : devices()) {
            SvaDeviceParam p = params.get(d.device());
            for (BondView b : d.bonds()) {
                trace.bondLost(p.device(), b.pasid(), b.pid(), reason);
            }
        }
    }

    public boolean hasMmExitHandler(String deviceId) {
        return mmExitHandlers.contains(deviceId);
    }

    private SvaDeviceView view(SvaDeviceParam p) {
        return new SvaDeviceView(p.device().id(), p.features(), p.minPasid(), p.maxPasid(), p.stall(),
                mmExitHandlers.contains(p.device().id()), table.bondSnapshots(p));
    }

    private SvaDeviceParam initialised(Device device) {
        SvaDeviceParam param = params.get(device.id());
        if (param == null || !param.live) {
            throw notInitialised(device);
        }
        return param;
    }

    private static ErrnoException notInitialised(Device device) {
        return new ErrnoException(Errno.EINVAL, "not-initialised", "SVA is not initialised on " + device.id());
    }

    private static ErrnoException alreadyInitialised(Device device) {
        return new ErrnoException(Errno.EEXIST, "already-initialised", "SVA is already initialised on " + device.id());
    }

    private static ErrnoException exiting(long pid) {
        return new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " exited while it was being bound");
    }

    /** Waits for another thread's step; these never depend on the caller's own locks (see class comment). */
    static void await(CompletableFuture<Void> f, String what) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "interrupted", "interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }
}
