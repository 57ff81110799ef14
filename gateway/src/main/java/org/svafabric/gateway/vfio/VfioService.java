package org.svafabric.gateway.vfio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.json.Addr;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

/**
 * The VFIO type1 IOMMU driver with the series' BIND_PROCESS, as the VFIO endpoint and the workloads use it:
 * containers and groups here (open, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU with the container's private
 * domain, close), DMA mappings and pinning in {@link DmaMappings}, process binding and the ptrace rule in
 * {@link ProcessBinding}. Every operation on a container runs under that container's lock (the kernel's
 * iommu->lock), so binds, maps and close never interleave.
 */
@Service
public class VfioService {
    public static final String TYPE1V2 = "TYPE1v2";

    private final IommuApi iommu;
    private final ProcessOwnership processes;
    private final VfioGroups groups;
    private final VfioContainers containers;
    private final VfioGroupsAttached attached;
    private final VfioDmas dmas;
    private final VfioBinds binds;
    private final ContainerDevices devices;
    private final DmaMappings mappings;
    private final ProcessBinding binding;
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();

    @Autowired
    public VfioService(ServiceClients clients, ProcessOwnership processes, VfioGroups groups, VfioContainers containers,
                       VfioGroupsAttached attached, VfioDmas dmas, VfioBinds binds, ContainerDevices devices,
                       DmaMappings mappings, ProcessBinding binding) {
        this(clients.iommu(), processes, groups, containers, attached, dmas, binds, devices, mappings, binding);
    }

    VfioService(IommuApi iommu, ProcessOwnership processes, VfioGroups groups, VfioContainers containers,
                VfioGroupsAttached attached, VfioDmas dmas, VfioBinds binds, ContainerDevices devices,
                DmaMappings mappings, ProcessBinding binding) {
        this.iommu = iommu;
        this.processes = processes;
        this.groups = groups;
        this.containers = containers;
        this.attached = attached;
        this.dmas = dmas;
        this.binds = binds;
        this.devices = devices;
        this.mappings = mappings;
        this.binding = binding;
    }

    private Object lock(long container) {
        return locks.computeIfAbsent(container, k -> new Object());
    }

    /** open("/dev/vfio/vfio") by process {@code pid} of the caller's uid. */
    public VfioContainer open(Caller caller, long pid) {
        processes.requireOwned(caller, pid);
        if (!binding.isRunning(pid)) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " is not running");
        }
        return containers.save(new VfioContainer(processes.ownerOf(pid), pid));
    }

    /** The caller's container; another uid's answers ENOENT, as one that does not exist. */
    public VfioContainer get(Caller caller, long id) {
        VfioContainer c = containers.findById(id).orElse(null);
        if (c == null || !caller.owns(c.getUid())) {
            throw new ErrnoException(Errno.ENOENT, "no-such-container", "no VFIO container " + id);
        }
        return c;
    }

    public VfioViews.Container describe(Caller caller, long id) {
        VfioContainer c = get(caller, id);
        synchronized (lock(id)) {
            binding.pruneExited(c);
            return new VfioViews.Container(c.getId(), c.getPid(), c.getUid(), c.getIommuType(),
                    attached.findByContainerId(id).stream().map(VfioGroupAttachment::getGroupId).toList(), devices.devicesOf(c),
                    dmas.findByContainerIdOrderByIova(id).stream()
                            .map(d -> new VfioViews.Mapping(Addr.of(d.getIova()), d.getSize(), Addr.of(d.getVaddr()))).toList(),
                    binds.findByContainerId(id).stream().map(b -> new VfioViews.Bind(b.getPid(), b.getPasid())).toList());
        }
    }

    /** VFIO_GROUP_SET_CONTAINER. A group added to a container that already has binds gets them replayed. */
    public void setContainer(Caller caller, long id, int groupId) {
        VfioContainer c = get(caller, id);
        VfioGroups.Group g = groups.get(groupId);
        synchronized (lock(id)) {
            VfioGroupAttachment existing = attached.findById(groupId).orElse(null);
            if (existing != null) {
                if (existing.getContainerId() == id) {
                    return;
                }
                throw new ErrnoException(Errno.EBUSY, "group-in-use", "group " + groupId + " is already set in another container");
            }
            if (c.getDomainId() != null) {
                for (String dev : g.devices()) {
                    iommu.attach(c.getDomainId(), dev);
                }
                binding.replay(c, g);
            }
            attached.save(new VfioGroupAttachment(groupId, id));
        }
    }

    /** VFIO_SET_IOMMU: TYPE1v2 only; needs a group; creates the container's private domain with every device. */
    public void setIommu(Caller caller, long id, String type) {
        VfioContainer c = get(caller, id);
        if (!TYPE1V2.equals(type)) {
            throw new ErrnoException(Errno.EINVAL, "unsupported-iommu-type", "only " + TYPE1V2 + " is supported, not " + type);
        }
        synchronized (lock(id)) {
            if (c.getIommuType() != null) {
                throw new ErrnoException(Errno.EBUSY, "iommu-already-set", "container " + id + " already has its IOMMU set");
            }
            List<String> devs = devices.devicesOf(c);
            if (devs.isEmpty()) {
                throw new ErrnoException(Errno.EINVAL, "no-group", "set a group in the container before VFIO_SET_IOMMU");
            }
            IommuViews.Domain domain = iommu.createDomain(new IommuRequests.CreateDomain(devs)).getBody();
            if (domain == null) {
                throw new ErrnoException(Errno.EIO, "no-domain", "iommu-service created a domain without saying which");
            }
            c.setIommu(type, domain.id());
            containers.save(c);
        }
    }

    /** VFIO_IOMMU_MAP_DMA: pins the process pages and maps IOVA -> PA in the container's domain. */
    public void map(Caller caller, long id, long vaddr, long iova, long size, Set<String> flags) {
        VfioContainer c = get(caller, id);
        DmaMappings.requireAligned(vaddr, iova, size);
        synchronized (lock(id)) {
            mappings.map(c, requireDomain(c), vaddr, iova, size, flags);
        }
    }

    /** VFIO_IOMMU_UNMAP_DMA (type1v2: whole mappings only); returns the bytes unmapped. */
    public long unmap(Caller caller, long id, long iova, long size) {
        VfioContainer c = get(caller, id);
        DmaMappings.requireAligned(0, iova, size);
        synchronized (lock(id)) {
            return mappings.unmap(c, requireDomain(c), iova, size);
        }
    }

    /** VFIO_IOMMU_BIND with BIND_PROCESS: the container's process ({@code pid} null) or another one it may trace. */
    public int bind(Caller caller, long id, Long pid) {
        VfioContainer c = get(caller, id);
        long target = pid == null ? c.getPid() : pid;
        binding.requireTraceable(caller, target);
        synchronized (lock(id)) {
            requireDomain(c);
            return binding.bind(c, target);
        }
    }

    /** VFIO_IOMMU_UNBIND: finds the process by pid again (its PASID may have been reused) and unbinds it everywhere. */
    public void unbind(Caller caller, long id, Long pid) {
        VfioContainer c = get(caller, id);
        long target = pid == null ? c.getPid() : pid;
        if (pid != null) {
            binding.requireTraceableOrGone(caller, target);
        }
        synchronized (lock(id)) {
            binding.unbind(c, target);
        }
    }

    /** close(): unbind, unmap, unpin, detach, free the domain. */
    public void close(Caller caller, long id) {
        VfioContainer c = get(caller, id);
        synchronized (lock(id)) {
            binding.unbindAll(c);
            if (c.getDomainId() != null) {
                mappings.unmapAll(c, c.getDomainId());
                iommu.freeDomain(c.getDomainId());
            }
            attached.deleteAll(attached.findByContainerId(id));
            containers.delete(c);
        }
        locks.remove(id);
    }

    /** Jobs from a userspace driver: the device must be in one of the caller's containers; a PASID must be bound there. */
    public void requireDeviceInCallersContainer(Caller caller, String device, Integer pasid) {
        for (VfioGroups.Group g : groups.all()) {
            if (!g.devices().contains(device)) {
                continue;
            }
            VfioGroupAttachment a = attached.findById(g.id()).orElse(null);
            VfioContainer c = a == null ? null : containers.findById(a.getContainerId()).orElse(null);
            if (c == null || !caller.owns(c.getUid())) {
                break;
            }
            if (pasid != null && binds.findByContainerId(c.getId()).stream().noneMatch(b -> b.getPasid() == pasid)) {
                throw new ErrnoException(Errno.EINVAL, "pasid-not-bound", "PASID " + pasid + " is not bound in container " + c.getId());
            }
            if (pasid == null && c.getDomainId() == null) {
                throw new ErrnoException(Errno.EINVAL, "no-iommu", "container " + c.getId() + " has no IOMMU set: nothing is mapped");
            }
            return;
        }
        throw new ErrnoException(Errno.EPERM, "device-not-in-container", "device " + device + " is not in one of your VFIO containers");
    }

    public List<VfioViews.Group> groupList() {
        List<VfioViews.Group> out = new ArrayList<>();
        for (VfioGroups.Group g : groups.all()) {
            out.add(new VfioViews.Group(g.id(), g.devices(), true,
                    attached.findById(g.id()).map(VfioGroupAttachment::getContainerId).orElse(null)));
        }
        return out;
    }

    private static long requireDomain(VfioContainer c) {
        if (c.getDomainId() == null) {
            throw new ErrnoException(Errno.EINVAL, "no-iommu", "container " + c.getId() + " has no IOMMU: VFIO_SET_IOMMU first");
        }
        return c.getDomainId();
    }
}
