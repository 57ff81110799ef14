package org.svafabric.gateway.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.HealthApi;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The machine at a glance: the SMMU's decoded features and why SVA is or is not available, the devices, each service's health. */
@RestController
@RequestMapping("/api/v1/fabric")
@Tag(name = "Fabric", description = "Topology, SMMU features, services' health")
public class FabricController {
    private final ServiceClients clients;
    private final FabricProperties props;
    private final FabricFaults faults;

    public FabricController(ServiceClients clients, FabricProperties props, FabricFaults faults) {
        this.clients = clients;
        this.props = props;
        this.faults = faults;
    }

    @GetMapping
    @Operation(summary = "Topology: SMMU features (decoded ID registers), stream table and CD formats, devices, services and their health")
    @Answers(status = 200)
    public FabricView fabric(Caller caller) {
        List<FabricView.Unavailable> unavailable = new ArrayList<>();
        var smmu = orNull("smmu", () -> clients.iommu().smmu(), unavailable);
        var devices = orNull("devices", () -> clients.device().devices(), unavailable);
        FabricView.Services services = new FabricView.Services(new FabricView.Health(props.services().gateway(), "UP", null),
                health(RemoteService.MM), health(RemoteService.IOMMU), health(RemoteService.DEVICE));
        return new FabricView(smmu, devices, services, faults.summary(), unavailable.isEmpty() ? null : unavailable);
    }

    private FabricView.Health health(RemoteService s) {
        String url = s.baseUrl(props);
        try {
            HealthApi.Health h = clients.of(s, HealthApi.class).health();
            return new FabricView.Health(url, h == null || h.status() == null ? "UNKNOWN" : h.status(), null);
        } catch (RuntimeException e) {
            return new FabricView.Health(url, "DOWN", e.getMessage());
        }
    }

    private static <T> T orNull(String part, Supplier<T> call, List<FabricView.Unavailable> unavailable) {
        try {
            return call.get();
        } catch (ErrnoException e) {
            unavailable.add(new FabricView.Unavailable(part, e.getMessage(), e.errno().name()));
        } catch (RuntimeException e) {
            unavailable.add(new FabricView.Unavailable(part, String.valueOf(e.getMessage()), null));
        }
        return null;
    }
}
