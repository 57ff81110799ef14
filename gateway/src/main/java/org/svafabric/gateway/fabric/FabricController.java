package org.svafabric.gateway.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.ArmedFault;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.web.FanOut;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The machine at a glance: each SMMU's decoded features and why SVA is or is not available, the devices, each service's health. */
@RestController
@RequestMapping("/api/v1/fabric")
@Tag(name = "Fabric", description = "Topology, SMMU features, services' health")
public class FabricController {
    private final ServiceClients clients;
    private final FabricProperties props;
    private final FanOut fanOut;
    private final PeerHealth health;

    public FabricController(ServiceClients clients, FabricProperties props, FanOut fanOut, PeerHealth health) {
        this.clients = clients;
        this.props = props;
        this.fanOut = fanOut;
        this.health = health;
    }

    @GetMapping
    @Operation(summary = "Topology: SMMU features (decoded ID registers), stream table and CD formats, devices, services and their health")
    @Answers(status = 200)
    public FabricView fabric(Caller caller) {
        // One call to each service, all at once: the view costs its slowest call. iommu-service's and each shard's
        // part carries the faults armed there; their health follows from whether that call reached them
        // (PeerHealth.after); mm-service, which the view does not otherwise read, is reached by its liveness probe.
        CompletableFuture<Part<IommuViews.FabricPart>> iommuPart = fanOut.start(() -> part("smmu", () -> clients.iommu().fabric()));
        DeviceShardClients shards = clients.deviceShards();
        CompletableFuture<DeviceShardClients.Parts> deviceParts = fanOut.start(shards::fabricParts);
        FabricView.Health mm = health.probe(Remote.of(RemoteService.MM));
        List<FabricView.Unavailable> unavailable = new ArrayList<>();
        Part<IommuViews.FabricPart> smmuPart = FanOut.join(iommuPart);
        IommuViews.FabricPart iommu = smmuPart.value(unavailable);
        List<IommuViews.Smmu> smmuViews = iommu == null ? null : iommu.smmus();
        // Each shard's devices: a shard that does not answer takes only its own away, and is named.
        DeviceShardClients.Parts parts = FanOut.join(deviceParts);
        DeviceShardClients.Listing listing = parts.listing();
        List<DeviceViews.Device> deviceViews = listing.noneAnswered() ? null : listing.devices();
        listing.failures().forEach((k, e) -> unavailable.add(unavailable("devices", e)));
        FabricView.Health iommuHealth = health.after(Remote.of(RemoteService.IOMMU), smmuPart.failure());
        List<FabricView.Health> shardHealth = new ArrayList<>();
        for (int k = 0; k < shards.count(); k++) {
            shardHealth.add(health.after(shards.remote(k), listing.failures().get(k)));
        }
        FabricView.Services services = new FabricView.Services(new FabricView.Health(props.services().gateway(), "UP", null),
                mm, iommuHealth, overall(shardHealth), shards.count() == 1 ? null : shardViews(shardHealth));
        return new FabricView(smmuViews == null || smmuViews.isEmpty() ? null : smmuViews.get(0), smmuViews, deviceViews,
                services, faults(iommu, smmuPart.failure(), parts), unavailable.isEmpty() ? null : unavailable);
    }

    /** The faults the parts carried, or why they are not known: the first part that could not be read. */
    private static FabricFaults.Summary faults(IommuViews.FabricPart iommu, RuntimeException iommuFailure, DeviceShardClients.Parts devices) {
        RuntimeException unknown = iommuFailure != null ? iommuFailure : devices.listing().firstFailure();
        List<ArmedFault> armed = new ArrayList<>();
        if (iommu != null && iommu.faults() != null) {
            armed.addAll(iommu.faults());
        }
        armed.addAll(devices.faults());
        return FabricFaults.summary(armed, unknown);
    }

    /** device-service as one: its one shard's health, or UP when every shard is (else the first other status, naming who). */
    private static FabricView.Health overall(List<FabricView.Health> shards) {
        if (shards.size() == 1) {
            return shards.get(0);
        }
        List<String> notUp = new ArrayList<>();
        String status = "UP";
        for (int k = 0; k < shards.size(); k++) {
            FabricView.Health h = shards.get(k);
            if (!"UP".equals(h.status())) {
                notUp.add(k + " (" + h.status() + ")");
                status = "UP".equals(status) ? h.status() : status;
            }
        }
        String urls = String.join(",", shards.stream().map(FabricView.Health::url).toList());
        return new FabricView.Health(urls, status, notUp.isEmpty() ? null : "device-service shards not up: " + String.join(", ", notUp));
    }

    private static List<FabricView.ShardHealth> shardViews(List<FabricView.Health> shards) {
        List<FabricView.ShardHealth> out = new ArrayList<>();
        for (int k = 0; k < shards.size(); k++) {
            FabricView.Health h = shards.get(k);
            out.add(new FabricView.ShardHealth(k, h.url(), h.status(), h.error()));
        }
        return out;
    }

    private static FabricView.Unavailable unavailable(String part, RuntimeException e) {
        return e instanceof ErrnoException ee ? new FabricView.Unavailable(part, ee.getMessage(), ee.errno().name())
                : new FabricView.Unavailable(part, String.valueOf(e.getMessage()), null);
    }

    /** A part of the view, or why it could not be read (and what the call threw). */
    private record Part<T>(T value, FabricView.Unavailable missing, RuntimeException failure) {
        /** The value, or null with the reason added to {@code unavailable} (in the view's order: smmu, devices). */
        T value(List<FabricView.Unavailable> unavailable) {
            if (missing != null) {
                unavailable.add(missing);
            }
            return value;
        }
    }

    private static <T> Part<T> part(String part, Supplier<T> call) {
        try {
            return new Part<>(call.get(), null, null);
        } catch (ErrnoException e) {
            return new Part<>(null, new FabricView.Unavailable(part, e.getMessage(), e.errno().name()), e);
        } catch (RuntimeException e) {
            return new Part<>(null, new FabricView.Unavailable(part, String.valueOf(e.getMessage()), null), e);
        }
    }
}
