package org.svafabric.gateway.devices;

import java.util.HashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Devices as the fabric's firmware describes them (device-service), each with its SVA state
 * (iommu-service): {@code id, type, sid, capabilities, sva}.
 */
@RestController
@RequestMapping("/api/v1/devices")
@Tag(name = "Devices", description = "The fabric's PCIe and platform devices, hotplug")
public class DeviceController {
    private final ServiceClients clients;

    public DeviceController(ServiceClients clients) {
        this.clients = clients;
    }

    @GetMapping
    @Operation(summary = "Every device with its capabilities and SVA state")
    public ArrayNode list(Caller caller) {
        JsonNode devices = clients.device().get().uri("/device/v1/devices").retrieve().body(JsonNode.class);
        JsonNode svaStates = clients.iommu().get().uri("/iommu/v1/devices").retrieve().body(JsonNode.class);
        Map<String, JsonNode> svaById = new HashMap<>();
        if (svaStates != null) {
            svaStates.forEach(s -> svaById.put(s.path("id").asString(), s.path("sva")));
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        if (devices != null) {
            devices.forEach(d -> out.add(withSva(d, svaById.get(d.path("id").asString()))));
        }
        return out;
    }

    @GetMapping("/{dev}")
    @Operation(summary = "One device")
    public JsonNode get(Caller caller, @PathVariable String dev) {
        JsonNode d = clients.device().get().uri("/device/v1/devices/{dev}", dev).retrieve().body(JsonNode.class);
        JsonNode s = clients.iommu().get().uri("/iommu/v1/devices/{dev}", dev).retrieve().body(JsonNode.class);
        return withSva(d, s == null ? null : s.path("sva"));
    }

    @PostMapping
    @Operation(summary = "Hotplug a device from a description, as in the topology file (admin)")
    public ResponseEntity<JsonNode> hotplug(Caller caller, @RequestBody JsonNode description) {
        if (!caller.isAdmin()) {
            throw new ErrnoException(Errno.EPERM, "hotplug-not-permitted", "only an admin token may hot-plug devices");
        }
        JsonNode d = clients.device().post().uri("/device/v1/devices").body(description).retrieve().body(JsonNode.class);
        return ResponseEntity.status(HttpStatus.CREATED).body(d);
    }

    private static JsonNode withSva(JsonNode device, JsonNode sva) {
        if (!(device instanceof ObjectNode o)) {
            return device;
        }
        ObjectNode copy = o.deepCopy();
        if (sva != null && !sva.isMissingNode()) {
            copy.set("sva", sva);
        }
        return copy;
    }
}
