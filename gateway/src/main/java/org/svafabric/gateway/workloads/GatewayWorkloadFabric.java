package org.svafabric.gateway.workloads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.events.EventGatherer;
import org.svafabric.gateway.jobs.JobSubmission;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.vfio.VfioContainer;
import org.svafabric.gateway.vfio.VfioGroups;
import org.svafabric.gateway.vfio.VfioService;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
    private final FabricProperties props;

    GatewayWorkloadFabric(ServiceClients clients, ProcessOwnership ownership, VfioService vfio, VfioGroups groups,
                          JobSubmission jobs, EventGatherer events, FabricProperties props) {
        this.clients = clients;
        this.ownership = ownership;
        this.vfio = vfio;
        this.groups = groups;
        this.jobs = jobs;
        this.events = events;
        this.props = props;
    }

    @Override
    public DeviceInfo device(String id) {
        JsonNode d;
        try {
            d = clients.device().get().uri("/device/v1/devices/{dev}", id).retrieve().body(JsonNode.class);
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                throw new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id + " (GET /api/v1/devices lists them)");
            }
            throw e;
        }
        JsonNode engine = d.path("description").path("engine");
        JsonNode caps = d.path("capabilities");
        int group = -1;
        for (VfioGroups.Group g : groups.all()) {
            if (g.devices().contains(id)) {
                group = g.id();
            }
        }
        boolean taken = false;
        for (Map<String, Object> g : vfio.groupList()) {
            if (Integer.valueOf(group).equals(g.get("id")) && g.get("container") != null) {
                taken = true;
            }
        }
        return new DeviceInfo(id, engine.path("queueDepth").asInt(1), engine.path("engines").asInt(1), caps.path("pasidBits").asInt(),
                caps.path("pri").asBoolean(), caps.path("stall").asBoolean(), caps.path("ats").asBoolean(), group, taken);
    }

    @Override
    public TimingTable timing() {
        JsonNode t = clients.device().get().uri("/device/v1/timing").retrieve().body(JsonNode.class);
        Map<String, Long> costs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : t.path("costs").properties()) {
            costs.put(e.getKey(), e.getValue().asLong());
        }
        return TimingTable.defaults().with(costs).withIopfWorkers(t.path("iopfWorkers").asInt(TimingTable.DEFAULT_IOPF_WORKERS));
    }

    @Override
    public long freeFrames() {
        return clients.mm().get().uri("/mm/v1/ram").retrieve().body(JsonNode.class).path("freeFrames").asLong();
    }

    @Override
    public long createProcess(Caller caller, String name) {
        JsonNode p = clients.mm().post().uri("/mm/v1/processes").body(Map.of("name", name, "uid", caller.uid()))
                .retrieve().body(JsonNode.class);
        long pid = p.path("pid").asLong();
        ownership.remember(pid, caller.uid());
        return pid;
    }

    @Override
    public void exitProcess(Caller caller, long pid) {
        ownership.requireOwned(caller, pid);
        clients.mm().delete().uri("/mm/v1/processes/{pid}", pid).retrieve().toBodilessEntity();
    }

    @Override
    public long mmap(Caller caller, long pid, long length, boolean populate) {
        ownership.requireOwned(caller, pid);
        JsonNode r = clients.mm().post().uri("/mm/v1/processes/{pid}/mmap", pid)
                .body(Map.of("length", length, "prot", "rw", "populate", populate)).retrieve().body(JsonNode.class);
        return Addr.parseHex(r.path("addr").asString());
    }

    @Override
    public void munmap(Caller caller, long pid, long addr, long length) {
        ownership.requireOwned(caller, pid);
        clients.mm().post().uri("/mm/v1/processes/{pid}/munmap", pid).body(Map.of("addr", Addr.hex(addr), "length", length))
                .retrieve().toBodilessEntity();
    }

    @Override
    public void write(Caller caller, long pid, long addr, byte[] data) {
        ownership.requireOwned(caller, pid);
        clients.mm().put().uri("/mm/v1/processes/{pid}/memory?addr={addr}", pid, Addr.hex(addr))
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(data).retrieve().toBodilessEntity();
    }

    @Override
    public byte[] read(Caller caller, long pid, long addr, int length) {
        ownership.requireOwned(caller, pid);
        byte[] b = clients.mm().get().uri("/mm/v1/processes/{pid}/memory?addr={addr}&length={length}", pid, Addr.hex(addr), length)
                .accept(MediaType.APPLICATION_OCTET_STREAM).retrieve().body(byte[].class);
        return b == null ? new byte[0] : b;
    }

    @Override
    public long reclaim(Caller caller, long pid, long addr, long length) {
        ownership.requireOwned(caller, pid);
        return clients.mm().post().uri("/mm/v1/processes/{pid}/reclaim", pid).body(Map.of("addr", Addr.hex(addr), "length", length))
                .retrieve().body(JsonNode.class).path("reclaimed").asLong();
    }

    @Override
    public void svaInit(String device) {
        try {
            clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva", device)
                    .body(Map.of("features", List.of("IOPF"), "maxPasid", 0)).retrieve().toBodilessEntity();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    @Override
    public int bind(Caller caller, String device, long pid) {
        ownership.requireOwned(caller, pid);
        return clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva/bonds", device)
                .body(Map.of("pid", pid, "flags", List.of())).retrieve().body(JsonNode.class).path("pasid").asInt();
    }

    @Override
    public void unbind(Caller caller, String device, int pasid) {
        clients.iommu().delete().uri("/iommu/v1/devices/{dev}/sva/bonds/{pasid}", device, pasid).retrieve().toBodilessEntity();
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
    public JsonNode runJob(Caller caller, String device, boolean viaContainer, ObjectNode body) {
        if (viaContainer) {
            vfio.requireDeviceInCallersContainer(caller, device, null);
        }
        return jobs.submit(caller, device, true, body).getBody();
    }

    @Override
    public List<String> invalidationEvents(String type, Integer pasid, List<String> devices, Instant from) {
        List<String> out = new ArrayList<>();
        List<String> scope = pasid != null ? java.util.Collections.singletonList(null) : devices;
        for (String device : scope) {
            long after = 0;
            while (true) {
                List<FabricEvent> page = events.fetch(props.services().iommu(), after,
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
