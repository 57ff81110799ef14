package org.svafabric.gateway.fabric;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.security.Caller;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

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
    public Map<String, Object> fabric(Caller caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("smmu", orError(() -> clients.iommu().get().uri("/iommu/v1/smmu").retrieve().body(JsonNode.class)));
        out.put("devices", orError(() -> clients.device().get().uri("/device/v1/devices").retrieve().body(JsonNode.class)));
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("gateway", Map.of("url", props.services().gateway(), "status", "UP"));
        services.put("mm", health(props.services().mm()));
        services.put("iommu", health(props.services().iommu()));
        services.put("device", health(props.services().device()));
        out.put("services", services);
        out.put("faults", faults.summary());
        return out;
    }

    private Map<String, Object> health(String url) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("url", url);
        try {
            JsonNode r = clients.forBaseUrl(url).get().uri("/actuator/health").retrieve().body(JsonNode.class);
            h.put("status", r == null ? "UNKNOWN" : r.path("status").asString("UNKNOWN"));
        } catch (RuntimeException e) {
            h.put("status", "DOWN");
            h.put("error", e.getMessage());
        }
        return h;
    }

    private interface Call {
        JsonNode get();
    }

    private static Object orError(Call c) {
        try {
            return c.get();
        } catch (ErrnoException e) {
            return Map.of("error", e.getMessage(), "errno", e.errno().name());
        } catch (RuntimeException e) {
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }
}
