package org.svafabric.gateway.vfio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

import tools.jackson.databind.JsonNode;

/**
 * The VFIO type1 IOMMU driver with the series' BIND_PROCESS, over the fabric's services: pins
 * and unpins through mm-service, maps IOVAs in the container's private domain and binds
 * processes through iommu-service. Every operation on a container runs under that container's
 * lock (the kernel's iommu->lock), so binds, maps and close never interleave.
 */
@Service
public class VfioService {
    private static final Logger log = LoggerFactory.getLogger(VfioService.class);
    public static final String TYPE1V2 = "TYPE1v2";
    private static final long PAGE = 4096;

    private final ServiceClients clients;
    private final ProcessOwnership processes;
    private final VfioGroups groups;
    private final VfioContainers containers;
    private final VfioGroupsAttached attached;
    private final VfioDmas dmas;
    private final VfioBinds binds;
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();

    public VfioService(ServiceClients clients, ProcessOwnership processes, VfioGroups groups, VfioContainers containers,
                       VfioGroupsAttached attached, VfioDmas dmas, VfioBinds binds) {
        this.clients = clients;
        this.processes = processes;
        this.groups = groups;
        this.containers = containers;
        this.attached = attached;
        this.dmas = dmas;
        this.binds = binds;
    }

    private Object lock(long container) {
        return locks.computeIfAbsent(container, k -> new Object());
    }

    /** open("/dev/vfio/vfio") by process {@code pid} of the caller's uid. */
    public VfioContainer open(Caller caller, long pid) {
        processes.requireOwned(caller, pid);
        requireRunning(pid);
        return containers.save(new VfioContainer(processes.ownerOf(pid), pid));
    }

    public VfioContainer get(Caller caller, long id) {
        VfioContainer c = containers.findById(id).orElse(null);
        if (c == null || !caller.owns(c.getUid())) {
            throw new ErrnoException(Errno.ENOENT, "no-such-container", "no VFIO container " + id);
        }
        return c;
    }

    public Map<String, Object> describe(Caller caller, long id) {
        VfioContainer c = get(caller, id);
        synchronized (lock(id)) {
            pruneExited(c);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", c.getId());
            out.put("pid", c.getPid());
            out.put("uid", c.getUid());
            out.put("iommu", c.getIommuType());
            out.put("groups", attached.findByContainerId(id).stream().map(VfioGroupAttachment::getGroupId).toList());
            out.put("devices", devicesOf(c));
            out.put("dma", dmas.findByContainerIdOrderByIova(id).stream()
                    .map(d -> Map.of("iova", Addr.hex(d.getIova()), "size", d.getSize(), "vaddr", Addr.hex(d.getVaddr()))).toList());
            out.put("binds", binds.findByContainerId(id).stream().map(b -> Map.of("pid", b.getPid(), "pasid", b.getPasid())).toList());
            return out;
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
                    clients.iommu().post().uri("/iommu/v1/domains/{d}/devices/{dev}", c.getDomainId(), dev).retrieve().toBodilessEntity();
                }
                replayBinds(c, g);
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
            List<String> devices = devicesOf(c);
            if (devices.isEmpty()) {
                throw new ErrnoException(Errno.EINVAL, "no-group", "set a group in the container before VFIO_SET_IOMMU");
            }
            JsonNode domain = clients.iommu().post().uri("/iommu/v1/domains").body(Map.of("devices", devices)).retrieve().body(JsonNode.class);
            c.setIommu(type, domain.path("id").asLong());
            containers.save(c);
        }
    }

    /** VFIO_IOMMU_MAP_DMA: pins the process pages and maps IOVA -> PA in the container's domain. */
    public void map(Caller caller, long id, long vaddr, long iova, long size, Set<String> flags) {
        VfioContainer c = get(caller, id);
        requireAligned(vaddr, iova, size);
        if (flags.isEmpty() || !Set.of("READ", "WRITE").containsAll(flags)) {
            throw new ErrnoException(Errno.EINVAL, "invalid-flags", "flags must be READ and/or WRITE");
        }
        synchronized (lock(id)) {
            long domain = requireDomain(c);
            for (VfioDma d : dmas.findByContainerIdOrderByIova(id)) {
                if (d.overlaps(iova, size)) {
                    throw new ErrnoException(Errno.EEXIST, "iova-in-use",
                            "IOVA range overlaps the mapping at " + Addr.hex(d.getIova()) + " (" + d.getSize() + " bytes)");
                }
            }
            boolean write = flags.contains("WRITE");
            JsonNode pinned = clients.mm().post().uri("/mm/v1/processes/{pid}/pin", c.getPid())
                    .body(Map.of("addr", Addr.hex(vaddr), "length", size, "write", write)).retrieve().body(JsonNode.class);
            try {
                clients.iommu().post().uri("/iommu/v1/domains/{d}/map", domain)
                        .body(Map.of("iova", Addr.hex(iova), "pages", pinned.path("pages"), "read", flags.contains("READ"), "write", write))
                        .retrieve().toBodilessEntity();
            } catch (RuntimeException e) {
                unpin(c.getPid(), vaddr, size);
                throw e;
            }
            dmas.save(new VfioDma(id, iova, size, vaddr, flags.contains("READ"), write));
        }
    }

    /**
     * VFIO_IOMMU_UNMAP_DMA, type1v2: unmaps every mapping inside [iova, iova + size); a range that
     * would split a mapping is refused (EINVAL). Returns the bytes unmapped. The IOTLB and ATCs are
     * invalidated before the pages are unpinned.
     */
    public long unmap(Caller caller, long id, long iova, long size) {
        VfioContainer c = get(caller, id);
        requireAligned(0, iova, size);
        synchronized (lock(id)) {
            long domain = requireDomain(c);
            List<VfioDma> inside = new ArrayList<>();
            for (VfioDma d : dmas.findByContainerIdOrderByIova(id)) {
                if (d.overlaps(iova, size)) {
                    if (d.getIova() < iova || d.end() > iova + size) {
                        throw new ErrnoException(Errno.EINVAL, "partial-unmap",
                                "the range would split the mapping at " + Addr.hex(d.getIova()) + " (" + d.getSize() + " bytes); TYPE1v2 unmaps whole mappings");
                    }
                    inside.add(d);
                }
            }
            long unmapped = 0;
            for (VfioDma d : inside) {
                clients.iommu().post().uri("/iommu/v1/domains/{d}/unmap", domain)
                        .body(Map.of("iova", Addr.hex(d.getIova()), "size", d.getSize())).retrieve().toBodilessEntity();
                unpin(c.getPid(), d.getVaddr(), d.getSize());
                dmas.delete(d);
                unmapped += d.getSize();
            }
            return unmapped;
        }
    }

    /**
     * VFIO_IOMMU_BIND with BIND_PROCESS: binds the process to every device of the container and
     * returns its PASID; idempotent per process. Another process needs the right to trace it,
     * else ESRCH, as mm_access() failing gives in the series.
     */
    public int bind(Caller caller, long id, Long pid) {
        VfioContainer c = get(caller, id);
        long target = pid == null ? c.getPid() : pid;
        requireTraceable(caller, target);
        synchronized (lock(id)) {
            requireDomain(c);
            pruneExited(c);
            for (VfioBind b : binds.findByContainerId(id)) {
                if (b.getPid() == target) {
                    return b.getPasid();
                }
            }
            List<VfioGroups.Group> gs = groupsOf(c);
            for (VfioGroups.Group g : gs) {
                if (g.devices().size() > 1) {
                    throw new ErrnoException(Errno.EINVAL, "multi-device-group",
                            "multi-device groups aren't supported for SVA: group " + g.id() + " has " + g.devices());
                }
            }
            int pasid = bindDevices(target, gs.stream().flatMap(g -> g.devices().stream()).toList());
            binds.save(new VfioBind(id, target, pasid));
            return pasid;
        }
    }

    /** VFIO_IOMMU_UNBIND: finds the process by pid again (its PASID may have been reused) and unbinds it everywhere. */
    public void unbind(Caller caller, long id, Long pid) {
        VfioContainer c = get(caller, id);
        long target = pid == null ? c.getPid() : pid;
        if (pid != null) {
            requireTraceableOrGone(caller, target);
        }
        synchronized (lock(id)) {
            pruneExited(c);
            VfioBind b = binds.findByContainerId(id).stream().filter(x -> x.getPid() == target).findFirst()
                    .orElseThrow(() -> new ErrnoException(Errno.ESRCH, "not-bound", "process " + target + " is not bound in container " + id));
            unbindDevices(b.getPasid(), devicesOf(c));
            binds.delete(b);
        }
    }

    /** close(): unbind, unmap, unpin, detach, free the domain. */
    public void close(Caller caller, long id) {
        VfioContainer c = get(caller, id);
        synchronized (lock(id)) {
            List<String> devices = devicesOf(c);
            pruneExited(c);
            for (VfioBind b : binds.findByContainerId(id)) {
                unbindDevices(b.getPasid(), devices);
                binds.delete(b);
            }
            if (c.getDomainId() != null) {
                for (VfioDma d : dmas.findByContainerIdOrderByIova(id)) {
                    clients.iommu().post().uri("/iommu/v1/domains/{d}/unmap", c.getDomainId())
                            .body(Map.of("iova", Addr.hex(d.getIova()), "size", d.getSize())).retrieve().toBodilessEntity();
                    unpin(c.getPid(), d.getVaddr(), d.getSize());
                    dmas.delete(d);
                }
                clients.iommu().delete().uri("/iommu/v1/domains/{d}", c.getDomainId()).retrieve().toBodilessEntity();
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

    public List<Map<String, Object>> groupList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VfioGroups.Group g : groups.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", g.id());
            m.put("devices", g.devices());
            m.put("viable", true);
            m.put("container", attached.findById(g.id()).map(VfioGroupAttachment::getContainerId).orElse(null));
            out.add(m);
        }
        return out;
    }

    private void replayBinds(VfioContainer c, VfioGroups.Group g) {
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

    private int bindDevices(long pid, List<String> devices) {
        List<String> bound = new ArrayList<>();
        Integer pasid = null;
        try {
            for (String dev : devices) {
                ensureSvaInit(dev);
                JsonNode bond = clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva/bonds", dev)
                        .body(Map.of("pid", pid, "flags", List.of("IOPF"))).retrieve().body(JsonNode.class);
                pasid = bond.path("pasid").asInt();
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
            clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva", dev)
                    .body(Map.of("features", List.of("IOPF"), "maxPasid", 0)).retrieve().toBodilessEntity();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    private void unbindDevices(int pasid, List<String> devices) {
        for (String dev : devices) {
            try {
                clients.iommu().delete().uri("/iommu/v1/devices/{dev}/sva/bonds/{pasid}", dev, pasid).retrieve().toBodilessEntity();
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ESRCH) {
                    throw e;
                }
            }
        }
    }

    /**
     * The process's exit removes its bind (the series' vfio_iommu_mm_exit). The IOMMU core's release detached
     * every bond and freed the PASID (v1), so nothing is unbound here: the PASID may already name another
     * process, and an unbind by PASID would tear down that process's bond.
     */
    private void pruneExited(VfioContainer c) {
        for (VfioBind b : binds.findByContainerId(c.getId())) {
            if (!isRunning(b.getPid())) {
                binds.delete(b);
            }
        }
    }

    private List<VfioGroups.Group> groupsOf(VfioContainer c) {
        Set<Integer> ids = new java.util.HashSet<>(attached.findByContainerId(c.getId()).stream().map(VfioGroupAttachment::getGroupId).toList());
        return groups.all().stream().filter(g -> ids.contains(g.id())).toList();
    }

    private List<String> devicesOf(VfioContainer c) {
        return groupsOf(c).stream().flatMap(g -> g.devices().stream()).toList();
    }

    private long requireDomain(VfioContainer c) {
        if (c.getDomainId() == null) {
            throw new ErrnoException(Errno.EINVAL, "no-iommu", "container " + c.getId() + " has no IOMMU: VFIO_SET_IOMMU first");
        }
        return c.getDomainId();
    }

    private void requireTraceable(Caller caller, long pid) {
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
    private void requireTraceableOrGone(Caller caller, long pid) {
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

    private void requireRunning(long pid) {
        if (!isRunning(pid)) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " is not running");
        }
    }

    private boolean isRunning(long pid) {
        try {
            JsonNode p = clients.mm().get().uri("/mm/v1/processes/{pid}", pid).retrieve().body(JsonNode.class);
            return p != null && "RUNNING".equals(p.path("state").asString());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
    }

    private void unpin(long pid, long vaddr, long size) {
        try {
            clients.mm().post().uri("/mm/v1/processes/{pid}/unpin", pid).body(Map.of("addr", Addr.hex(vaddr), "length", size))
                    .retrieve().toBodilessEntity();
        } catch (ErrnoException e) {
            // The process may have exited meanwhile; its teardown released the pins.
            log.debug("unpin of pid {} [{}+{}] failed: {}", pid, Addr.hex(vaddr), size, e.getMessage());
        }
    }

    private static void requireAligned(long vaddr, long iova, long size) {
        if (size <= 0 || size % PAGE != 0 || iova % PAGE != 0 || vaddr % PAGE != 0 || iova < 0 || vaddr < 0) {
            throw new ErrnoException(Errno.EINVAL, "unaligned", "vaddr, iova and size must be page-aligned (4 KiB) and size > 0");
        }
        if (iova + size < iova || iova + size > (1L << 48)) {
            throw new ErrnoException(Errno.EINVAL, "iova-out-of-range", "the IOVA range exceeds the domain's 48-bit input range");
        }
    }
}
