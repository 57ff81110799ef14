package org.svafabric.gateway.workloads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.gateway.events.EventGatherer;
import org.svafabric.gateway.jobs.JobSubmission;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.vfio.VfioContainer;
import org.svafabric.gateway.vfio.VfioGroups;
import org.svafabric.gateway.vfio.VfioService;
import org.svafabric.gateway.vfio.VfioViews;

/**
 * The one place that knows how the gateway's building blocks are called: mm-service for
 * processes and memory, iommu-service for the SVA bind API, {@link VfioService} for containers
 * and MAP_DMA, {@link JobSubmission} for jobs, {@link EventGatherer} for the event log.
 */
@Component
class GatewayWorkloadFabric implements WorkloadFabric {
    private static final int EVENT_PAGE = 10_000;

    private final ServiceClients clients;
    private final ProcessOwnership ownership;
    private final VfioService vfio;
    private final VfioGroups groups;
    private final JobSubmission jobs;
    private final EventGatherer events;

    GatewayWorkloadFabric(ServiceClients clients, ProcessOwnership ownership, VfioService vfio, VfioGroups groups,
                          JobSubmission jobs, EventGatherer events) {
        this.clients = clients;
        this.ownership = ownership;
        this.vfio = vfio;
        this.groups = groups;
        this.jobs = jobs;
        this.events = events;
    }

    @Override
    public DeviceInfo device(String id) {
        DeviceViews.Device d;
        try {
            d = clients.device().device(id);
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                throw new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id + " (GET /api/v1/devices lists them)");
            }
            throw e;
        }
        DeviceDescription.Engine engine = d.description() == null ? null : d.description().engine();
        DeviceViews.Capabilities caps = d.capabilities();
        int group = -1;
        for (VfioGroups.Group g : groups.all()) {
            if (g.devices().contains(id)) {
                group = g.id();
            }
        }
        boolean taken = false;
        for (VfioViews.Group g : vfio.groupList()) {
            if (g.id() == group && g.container() != null) {
                taken = true;
            }
        }
        int queueDepth = engine == null || engine.queueDepth() == null ? 1 : engine.queueDepth();
        int engines = engine == null || engine.engines() == null ? 1 : engine.engines();
        return new DeviceInfo(id, queueDepth, engines, caps.pasidBits(), caps.pri(), caps.stall(), caps.ats(), group, taken);
    }

    @Override
    public TimingTable timing() {
        DeviceViews.Timing t = clients.device().timing();
        return TimingTable.defaults().with(t.costs() == null ? java.util.Map.of() : t.costs())
                .withIopfWorkers(t.iopfWorkers() > 0 ? t.iopfWorkers() : TimingTable.DEFAULT_IOPF_WORKERS);
    }

    @Override
    public long freeFrames() {
        return clients.mm().ram().freeFrames();
    }

    @Override
    public long createProcess(Caller caller, String name) {
        MmViews.Process p = clients.mm().create(new MmRequests.CreateProcess(name, caller.uid())).getBody();
        if (p == null) {
            throw new ErrnoException(Errno.EIO, "no-process", "mm-service created a process without saying which");
        }
        long pid = p.pid();
        ownership.remember(pid, caller.uid());
        return pid;
    }

    @Override
    public void exitProcess(Caller caller, long pid) {
        ownership.requireOwned(caller, pid);
        clients.of(RemoteService.MM, MmApi.class, MmApi.EXIT_TIMEOUT).exit(pid);
    }

    @Override
    public long mmap(Caller caller, long pid, long length, boolean populate) {
        ownership.requireOwned(caller, pid);
        MmViews.Mapping r = clients.mm().mmap(pid, new MmRequests.Mmap(length, "rw", populate, null)).getBody();
        if (r == null || r.addr() == null) {
            throw new ErrnoException(Errno.EIO, "no-mapping", "mm-service mapped memory without saying where");
        }
        return r.addr().value();
    }

    @Override
    public void munmap(Caller caller, long pid, long addr, long length) {
        ownership.requireOwned(caller, pid);
        clients.mm().munmap(pid, new MmRequests.Range(Addr.of(addr), length));
    }

    @Override
    public void write(Caller caller, long pid, long addr, byte[] data) {
        ownership.requireOwned(caller, pid);
        clients.mm().write(pid, Addr.hex(addr), data);
    }

    @Override
    public byte[] read(Caller caller, long pid, long addr, int length) {
        ownership.requireOwned(caller, pid);
        byte[] b = clients.mm().read(pid, Addr.hex(addr), length).getBody();
        return b == null ? new byte[0] : b;
    }

    @Override
    public long reclaim(Caller caller, long pid, long addr, long length) {
        ownership.requireOwned(caller, pid);
        return clients.mm().reclaim(pid, new MmRequests.Reclaim(Addr.of(addr), length, null)).reclaimed();
    }

    @Override
    public void svaInit(String device) {
        try {
            clients.iommu().svaInit(device, new IommuRequests.SvaInit(List.of("IOPF"), 0));
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    @Override
    public int bind(Caller caller, String device, long pid) {
        ownership.requireOwned(caller, pid);
        IommuViews.Bond bond = clients.iommu().bind(device, new IommuRequests.Bind(pid, List.of(), null)).getBody();
        if (bond == null) {
            throw new ErrnoException(Errno.EIO, "no-bond", "iommu-service bound " + device + " without a PASID");
        }
        return bond.pasid();
    }

    @Override
    public void unbind(Caller caller, String device, int pasid) {
        clients.iommu().unbind(device, pasid);
    }

    @Override
    public long openContainer(Caller caller, long pid, List<String> devices) {
        VfioContainer c = vfio.open(caller, pid);
        try {
            Set<Integer> groupIds = new LinkedHashSet<>();
            for (String dev : devices) {
                groupIds.add(device(dev).group());
            }
            for (int g : groupIds) {
                vfio.setContainer(caller, c.getId(), g);
            }
            vfio.setIommu(caller, c.getId(), VfioService.TYPE1V2);
        } catch (RuntimeException e) {
            vfio.close(caller, c.getId());
            throw e;
        }
        return c.getId();
    }

    @Override
    public void mapDma(Caller caller, long container, long vaddr, long iova, long size) {
        vfio.map(caller, container, vaddr, iova, size, Set.of("READ", "WRITE"));
    }

    @Override
    public void unmapDma(Caller caller, long container, long iova, long size) {
        vfio.unmap(caller, container, iova, size);
    }

    @Override
    public void closeContainer(Caller caller, long container) {
        vfio.close(caller, container);
    }

    @Override
    public DeviceViews.Job runJob(Caller caller, String device, boolean viaContainer, DeviceRequests.Job body) {
        if (viaContainer) {
            vfio.requireDeviceInCallersContainer(caller, device, null);
        }
        return jobs.submit(caller, device, true, body).getBody();
    }

    @Override
    public java.util.Map<String, java.util.Map<String, Long>> smmuCounters() {
        java.util.Map<String, java.util.Map<String, Long>> out = new java.util.LinkedHashMap<>();
        for (org.svafabric.api.iommu.IommuViews.Smmu smmu : clients.iommu().smmus()) {
            out.put(smmu.name(), smmu.metrics() == null ? java.util.Map.of() : smmu.metrics());
        }
        return out;
    }

    @Override
    public List<String> invalidationEvents(String type, Integer pasid, List<String> devices, Instant from) {
        List<String> out = new ArrayList<>();
        List<String> scope = pasid != null ? java.util.Collections.singletonList(null) : devices;
        for (String device : scope) {
            long after = 0;
            while (true) {
                List<FabricEvent> page = events.fetch(org.svafabric.api.client.Remote.of(RemoteService.IOMMU), after,
                        new EventGatherer.Filter(type, device, pasid, null, from.toString()), EVENT_PAGE);
                for (FabricEvent e : page) {
                    if (pasid != null || e.pasid() == null) {
                        out.add(e.detail() == null ? "" : e.detail());
                    }
                    after = Math.max(after, e.seq());
                }
                if (page.size() < EVENT_PAGE) {
                    break;
                }
            }
        }
        return out;
    }
}
