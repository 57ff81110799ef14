package org.svafabric.gateway.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.HealthApi;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
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
    private final FabricFaults faults;
    private final FanOut fanOut;

    public FabricController(ServiceClients clients, FabricProperties props, FabricFaults faults, FanOut fanOut) {
        this.clients = clients;
        this.props = props;
        this.faults = faults;
        this.fanOut = fanOut;
    }

    @GetMapping
    @Operation(summary = "Topology: SMMU features (decoded ID registers), stream table and CD formats, devices, services and their health")
    @Answers(status = 200)
    public FabricView fabric(Caller caller) {
        // Every part at once (each call and its failure handling as before): the view costs its slowest call.
        CompletableFuture<Part<List<IommuViews.Smmu>>> smmus = fanOut.start(() -> part("smmu", () -> clients.iommu().smmus()));
        CompletableFuture<Part<List<DeviceViews.Device>>> devices = fanOut.start(() -> part("devices", () -> clients.device().devices()));
        CompletableFuture<FabricView.Health> mm = fanOut.start(() -> health(RemoteService.MM));
        CompletableFuture<FabricView.Health> iommu = fanOut.start(() -> health(RemoteService.IOMMU));
        CompletableFuture<FabricView.Health> device = fanOut.start(() -> health(RemoteService.DEVICE));
        FabricFaults.Summary faultSummary = faults.summary();
        List<FabricView.Unavailable> unavailable = new ArrayList<>();
        List<IommuViews.Smmu> smmuViews = FanOut.join(smmus).value(unavailable);
        List<DeviceViews.Device> deviceViews = FanOut.join(devices).value(unavailable);
        FabricView.Services services = new FabricView.Services(new FabricView.Health(props.services().gateway(), "UP", null),
                FanOut.join(mm), FanOut.join(iommu), FanOut.join(device));
        return new FabricView(smmuViews == null || smmuViews.isEmpty() ? null : smmuViews.get(0), smmuViews, deviceViews,
                services, faultSummary, unavailable.isEmpty() ? null : unavailable);
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

    /** A part of the view, or why it could not be read. */
    private record Part<T>(T value, FabricView.Unavailable missing) {
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
            return new Part<>(call.get(), null);
        } catch (ErrnoException e) {
            return new Part<>(null, new FabricView.Unavailable(part, e.getMessage(), e.errno().name()));
        } catch (RuntimeException e) {
            return new Part<>(null, new FabricView.Unavailable(part, String.valueOf(e.getMessage()), null));
        }
    }
}
