package org.svafabric.gateway.sva;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

/**
 * The SVA bind API of the v1 series, one endpoint per kernel function, forwarded to the iommu
 * core in iommu-service. A bond names a process, so binding and unbinding need the caller to own
 * that process (a foreign process answers ESRCH, as if it did not exist).
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "SVA bind API", description = "iommu_sva_device_init / shutdown / register_mm_exit_handler / bind / unbind / find")
public class SvaController {
    private final ServiceClients clients;
    private final ProcessOwnership ownership;
    private final PasidOwnership pasids;

    public SvaController(ServiceClients clients, ProcessOwnership ownership, PasidOwnership pasids) {
        this.clients = clients;
        this.ownership = ownership;
        this.pasids = pasids;
    }

    public record InitRequest(@Size(max = 4) List<@NotNull String> features, @PositiveOrZero Integer maxPasid) {
    }

    public record MmExitHandler(@NotNull @Size(max = 32) String policy) {
    }

    public record BindRequest(@NotNull @Positive Long pid, @Size(max = 8) List<@NotNull String> flags, JsonNode drvdata) {
    }

    @PostMapping("/devices/{dev}/sva")
    @Operation(summary = "iommu_sva_device_init(dev, features, max_pasid)")
    public JsonNode init(Caller caller, @PathVariable String dev, @Valid @RequestBody InitRequest body) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("features", body.features() == null ? List.of() : body.features());
        req.put("maxPasid", body.maxPasid() == null ? 0 : body.maxPasid());
        return clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva", dev).body(req).retrieve().body(JsonNode.class);
    }

    @DeleteMapping("/devices/{dev}/sva")
    @Operation(summary = "iommu_sva_device_shutdown(dev): unbinds every bond, then resets")
    public ResponseEntity<Void> shutdown(Caller caller, @PathVariable String dev) {
        clients.iommu().delete().uri("/iommu/v1/devices/{dev}/sva", dev).retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/devices/{dev}/sva/mm-exit-handler")
    @Operation(summary = "iommu_register_mm_exit_handler(dev, handler)")
    public ResponseEntity<Void> mmExitHandler(Caller caller, @PathVariable String dev, @Valid @RequestBody MmExitHandler body) {
        clients.iommu().put().uri("/iommu/v1/devices/{dev}/sva/mm-exit-handler", dev)
                .body(Map.of("policy", body.policy())).retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/devices/{dev}/sva/bonds")
    @Operation(summary = "iommu_sva_bind_device(dev, mm, &pasid, flags, drvdata)")
    public ResponseEntity<JsonNode> bind(Caller caller, @PathVariable String dev, @Valid @RequestBody BindRequest body) {
        ownership.requireOwned(caller, body.pid());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("pid", body.pid());
        req.put("flags", body.flags() == null ? List.of() : body.flags());
        if (body.drvdata() != null) {
            req.put("drvdata", body.drvdata());
        }
        JsonNode bond = clients.iommu().post().uri("/iommu/v1/devices/{dev}/sva/bonds", dev).body(req).retrieve().body(JsonNode.class);
        return ResponseEntity.status(HttpStatus.CREATED).body(bond);
    }

    @GetMapping("/devices/{dev}/sva/bonds")
    @Operation(summary = "The bonds of a device (the caller's processes only, unless admin)")
    public JsonNode bonds(Caller caller, @PathVariable String dev) {
        JsonNode all = clients.iommu().get().uri("/iommu/v1/devices/{dev}/sva/bonds", dev).retrieve().body(JsonNode.class);
        if (caller.isAdmin() || all == null || !all.isArray()) {
            return all;
        }
        tools.jackson.databind.node.ArrayNode mine = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode b : all) {
            if (pasids.visible(caller, b.path("pid").asLong())) {
                mine.add(b);
            }
        }
        return mine;
    }

    @DeleteMapping("/devices/{dev}/sva/bonds/{pasid}")
    @Operation(summary = "iommu_sva_unbind_device(dev, pasid)")
    public ResponseEntity<Void> unbind(Caller caller, @PathVariable String dev, @PathVariable int pasid) {
        pasids.requireHolderOwned(caller, pasid);
        clients.iommu().delete().uri("/iommu/v1/devices/{dev}/sva/bonds/{pasid}", dev, pasid).retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/sva/pasids/{pasid}")
    @Operation(summary = "iommu_sva_find(pasid)")
    public JsonNode find(Caller caller, @PathVariable int pasid) {
        return pasids.requireOwned(caller, pasid);
    }
}
