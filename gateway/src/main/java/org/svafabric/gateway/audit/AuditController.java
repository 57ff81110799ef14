package org.svafabric.gateway.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.vfio.VfioContainer;
import org.svafabric.gateway.vfio.VfioContainers;
import org.svafabric.gateway.vfio.VfioDma;
import org.svafabric.gateway.vfio.VfioDmas;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/fabric/audit} (admin): the invariant audit over every service's state. */
@RestController
@Tag(name = "Fabric", description = "Topology, SMMU features, services' health")
public class AuditController {
    private final ServiceClients clients;
    private final VfioContainers containers;
    private final VfioDmas dmas;
    private final FabricAudit audit = new FabricAudit();

    public AuditController(ServiceClients clients, VfioContainers containers, VfioDmas dmas) {
        this.clients = clients;
        this.containers = containers;
        this.dmas = dmas;
    }

    @GetMapping("/api/v1/fabric/audit")
    @Operation(summary = "The invariant audit (admin): joins every service's state and lists what disagrees (a pin without a mapping, a CD without a bond, ...)")
    @Answers(status = 200, problems = {403})
    public FabricAudit.Report audit(Caller caller) {
        if (!caller.isAdmin()) {
            throw new ErrnoException(Errno.EPERM, "admin-only", "the audit reads every process's state: it needs the admin role");
        }
        // The views are read one after another while the fabric runs, so a munmap between two reads can make
        // an entry look stale for a moment. A finding counts only if a second, later pass finds it again.
        FabricAudit.Report first = once();
        if (first.clean()) {
            return first;
        }
        FabricAudit.Report second = once();
        Set<String> again = new HashSet<>();
        second.findings().forEach(f -> again.add(f.kind() + "|" + f.where()));
        List<AuditFinding> both = first.findings().stream().filter(f -> again.contains(f.kind() + "|" + f.where())).toList();
        return new FabricAudit.Report(both.isEmpty(), both, second.checked());
    }

    private FabricAudit.Report once() {
        AuditViews.Device devices = clients.device().audit();
        AuditViews.Iommu iommu = clients.iommu().audit();
        AuditViews.Mm mm = clients.mm().audit();
        return audit.audit(mm, iommu, devices, vfioDmas(), asked -> clients.mm().translations(asked));
    }

    private List<FabricAudit.Dma> vfioDmas() {
        Map<Long, VfioContainer> byId = new HashMap<>();
        containers.findAll().forEach(c -> byId.put(c.getId(), c));
        List<FabricAudit.Dma> out = new ArrayList<>();
        for (VfioDma d : dmas.findAll()) {
            VfioContainer c = byId.get(d.getContainerId());
            if (c != null) {
                out.add(new FabricAudit.Dma(c.getPid(), d.getVaddr(), d.getSize(), c.getDomainId()));
            }
        }
        return out;
    }
}
