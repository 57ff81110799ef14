package org.svafabric.gateway.devices;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.web.FanOut;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Devices as the fabric's firmware describes them (device-service), each with its SVA state
 * (iommu-service): {@code id, type, sid, capabilities, sva}.
 */
@RestController
@RequestMapping("/api/v1/devices")
@Tag(name = "Devices", description = "The fabric's PCIe and platform devices, hotplug")
public class DeviceController {
    private final DeviceApi devices;
    private final DeviceShardClients shards;
    private final IommuApi iommu;
    private final FanOut fanOut;

    public DeviceController(ServiceClients clients, FanOut fanOut) {
        this.devices = clients.device();
        this.shards = clients.deviceShards();
        this.iommu = clients.iommu();
        this.fanOut = fanOut;
    }

    /**
     * With several device-service shards, every shard's devices; a shard that does not answer takes only its own
     * away: the others are listed and {@value DeviceShardClients#UNAVAILABLE_HEADER} names it (no shard answering is
     * that shard's 503).
     */
    @GetMapping
    @Operation(summary = "Every device with its capabilities and SVA state")
    @Answers(status = 200)
    public ResponseEntity<List<DeviceView>> list(Caller caller) {
        // Both services at once: the listing costs the slower of the two calls, not their sum.
        CompletableFuture<List<IommuViews.Device>> svaStates = fanOut.start(iommu::devices);
        List<DeviceViews.Device> all;
        String unavailable = "";
        if (shards.count() == 1) {
            all = devices.devices();
        } else {
            DeviceShardClients.Listing l = shards.devices();
            if (l.answered().isEmpty()) {
                throw l.failures().values().iterator().next();
            }
            all = l.devices();
            unavailable = l.unavailableHeader();
        }
        Map<String, IommuViews.Device> behind = new HashMap<>();
        for (IommuViews.Device d : FanOut.join(svaStates)) {
            behind.put(d.id(), d);
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (!unavailable.isEmpty()) {
            ok.header(DeviceShardClients.UNAVAILABLE_HEADER, unavailable);
        }
        return ok.body(all.stream().map(d -> DeviceView.of(d, behind.get(d.id()))).toList());
    }

    @GetMapping("/{dev}")
    @Operation(summary = "One device")
    @Answers(status = 200, problems = {404})
    public DeviceView get(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev) {
        CompletableFuture<IommuViews.Device> sva = fanOut.start(() -> iommu.device(dev));
        DeviceViews.Device d = devices.device(dev);
        return DeviceView.of(d, FanOut.join(sva));
    }

    @PostMapping
    @Operation(summary = "Hotplug a device from a description, as in the topology file (admin)")
    @Answers(status = 201, problems = {400, 403, 409})
    public ResponseEntity<DeviceView> hotplug(Caller caller, @RequestBody DeviceDescription description) {
        if (!caller.isAdmin()) {
            throw new ErrnoException(Errno.EPERM, "hotplug-not-permitted", "only an admin token may hot-plug devices");
        }
        DeviceViews.Device d = devices.hotplug(description).getBody();
        return ResponseEntity.status(HttpStatus.CREATED).body(d == null ? null : DeviceView.of(d, (IommuViews.Device) null));
    }
}
