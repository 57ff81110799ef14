package org.svafabric.gateway.vfio;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmViews;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

/**
 * The series' VFIO_IOMMU_BIND with BIND_PROCESS: binds a process to every device of a container through the SVA
 * core and remembers its PASID; UNBIND finds the process by pid again. Binding another process needs the right
 * to trace it (ptrace_may_access: same uid, role ptrace, or admin), else ESRCH as mm_access() failing gives.
 * A process's exit removes its bind (vfio_iommu_mm_exit). Callers hold the container's lock.
 */
@Component
public class ProcessBinding {
    private static final Logger log = LoggerFactory.getLogger(ProcessBinding.class);
    static final List<String> FLAGS = List.of("IOPF");

    private final MmApi mm;
    private final IommuApi iommu;
    private final ProcessOwnership processes;
    private final VfioBinds binds;
    private final ContainerDevices devices;

    @Autowired
    public ProcessBinding(ServiceClients clients, ProcessOwnership processes, VfioBinds binds, ContainerDevices devices) {
        this(clients.mm(), clients.iommu(), processes, binds, devices);
    }

    ProcessBinding(MmApi mm, IommuApi iommu, ProcessOwnership processes, VfioBinds binds, ContainerDevices devices) {
        this.mm = mm;
        this.iommu = iommu;
        this.processes = processes;
        this.binds = binds;
        this.devices = devices;
    }

    /** The ptrace rule, checked before the container's lock is taken: ESRCH unless {@code pid} is running and traceable. */
    public void requireTraceable(Caller caller, long pid) {
        long owner;
        try {
            owner = processes.ownerOf(pid);
        } catch (ErrnoException e) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no process " + pid);
        }
        if (!caller.mayTrace(owner) || !isRunning(pid)) {
            // mm_access() failing (no permission, or no mm) reads as ESRCH in the series.
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no process " + pid + " that you may trace");
        }
    }

    /** UNBIND of a process that has exited is allowed (its bind is found by pid); a live one must be traceable. */
    public void requireTraceableOrGone(Caller caller, long pid) {
        long owner;
        try {
            owner = processes.ownerOf(pid);
        } catch (ErrnoException gone) {
            if (gone.errno() == Errno.ESRCH) {
                return;
            }
            throw gone;
        }
        if (!caller.mayTrace(owner)) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no process " + pid + " that you may trace");
        }
    }

    /** Binds {@code pid} to every device of the container; idempotent per process. Returns its PASID. */
    public int bind(VfioContainer c, long pid) {
        pruneExited(c);
        for (VfioBind b : binds.findByContainerId(c.getId())) {
            if (b.getPid() == pid) {
                return b.getPasid();
            }
        }
        List<VfioGroups.Group> gs = devices.groupsOf(c);
        for (VfioGroups.Group g : gs) {
            if (g.devices().size() > 1) {
                throw new ErrnoException(Errno.EINVAL, "multi-device-group",
                        "multi-device groups aren't supported for SVA: group " + g.id() + " has " + g.devices());
            }
        }
        int pasid = bindDevices(pid, gs.stream().flatMap(g -> g.devices().stream()).toList());
        binds.save(new VfioBind(c.getId(), pid, pasid));
        return pasid;
    }

    public void unbind(VfioContainer c, long pid) {
        pruneExited(c);
        VfioBind b = binds.findByContainerId(c.getId()).stream().filter(x -> x.getPid() == pid).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ESRCH, "not-bound", "process " + pid + " is not bound in container " + c.getId()));
        unbindDevices(b.getPasid(), devices.devicesOf(c));
        binds.delete(b);
    }

    /** Every bind of the container (close). */
    public void unbindAll(VfioContainer c) {
        List<String> devs = devices.devicesOf(c);
        pruneExited(c);
        for (VfioBind b : binds.findByContainerId(c.getId())) {
            unbindDevices(b.getPasid(), devs);
            binds.delete(b);
        }
    }

    /** A group added to a container that already has binds gets them too; all or nothing. */
    public void replay(VfioContainer c, VfioGroups.Group g) {
        List<VfioBind> existing = binds.findByContainerId(c.getId());
        if (existing.isEmpty()) {
            return;
        }
        if (g.devices().size() > 1) {
            throw new ErrnoException(Errno.EINVAL, "multi-device-group", "cannot replay binds on multi-device group " + g.id());
        }
        List<VfioBind> done = new ArrayList<>();
        try {
            for (VfioBind b : existing) {
                int pasid = bindDevices(b.getPid(), g.devices());
                if (pasid != b.getPasid()) {
                    log.warn("replayed bind of pid {} got PASID {} instead of {}", b.getPid(), pasid, b.getPasid());
                }
                done.add(b);
            }
        } catch (RuntimeException e) {
            done.forEach(b -> unbindDevices(b.getPasid(), g.devices()));
            throw e;
        }
    }

    /**
     * The process's exit removes its bind (the series' vfio_iommu_mm_exit). The IOMMU core's release detached
     * every bond and freed the PASID (v1), so nothing is unbound here: the PASID may already name another
     * process, and an unbind by PASID would tear down that process's bond.
     */
    public void pruneExited(VfioContainer c) {
        for (VfioBind b : binds.findByContainerId(c.getId())) {
            if (!isRunning(b.getPid())) {
                binds.delete(b);
            }
        }
    }

    public boolean isRunning(long pid) {
        try {
            MmViews.Process p = mm.get(pid);
            return p != null && p.state() != null && p.state().isRunning();
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
    }

    private int bindDevices(long pid, List<String> devs) {
        List<String> bound = new ArrayList<>();
        Integer pasid = null;
        try {
            for (String dev : devs) {
                ensureSvaInit(dev);
                IommuViews.Bond bond = iommu.bind(dev, new IommuRequests.Bind(pid, FLAGS, null)).getBody();
                if (bond == null) {
                    throw new ErrnoException(Errno.EIO, "no-bond", "iommu-service bound " + dev + " without a PASID");
                }
                pasid = bond.pasid();
                bound.add(dev);
            }
        } catch (RuntimeException e) {
            if (pasid != null) {
                unbindDevices(pasid, bound);
            }
            throw e;
        }
        if (pasid == null) {
            throw new ErrnoException(Errno.EINVAL, "no-device", "the container has no device to bind");
        }
        return pasid;
    }

    private void ensureSvaInit(String dev) {
        try {
            iommu.svaInit(dev, new IommuRequests.SvaInit(FLAGS, 0));
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    private void unbindDevices(int pasid, List<String> devs) {
        for (String dev : devs) {
            try {
                iommu.unbind(dev, pasid);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw e;
                }
            }
        }
    }
}
