package org.svafabric.gateway.fabric;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.ArmedFault;
import org.svafabric.api.faults.FaultApi;
import org.svafabric.api.faults.FaultKind;
import org.svafabric.api.faults.FaultSpec;
import org.svafabric.gateway.security.Caller;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fault injection for the whole fabric: the gateway checks a set of faults once, naming the
 * field of any bad one, and arms each in the service where it lives (iommu-service: PRG responses,
 * the PRI and event queues; device-service: ATS invalidation completions; a service's bus client:
 * the memory bus). A PUT replaces every armed fault; DELETE clears them all. Admin only.
 */
@Component
public class FabricFaults {

    /** What the API lists about each kind. */
    public record Kind(String kind, String service, String scope, boolean delayMillis) {
    }

    /** GET /fabric/faults: whether any fault is armed, the kinds there are, and the armed ones. */
    public record View(boolean enabled, List<ArmedFault> faults, List<Kind> kinds) {
    }

    /**
     * What GET /fabric shows of fault injection: where to go ({@code path}), and the kinds armed now, or
     * {@code error} when a service could not be asked.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(String path, List<String> armed, String error) {
    }

    /** PUT /fabric/faults. */
    public record Request(List<FaultSpec> faults) {
    }

    private static final String PATH = "/api/v1/fabric/faults";

    private final ServiceClients clients;
    private final Map<String, FaultApi> services = new LinkedHashMap<>();
    /** device-service's faults go to each of its shards: one about a device to the shard that serves it. */
    private final List<FaultApi> deviceShards = new ArrayList<>();

    public FabricFaults(ServiceClients clients) {
        this.clients = clients;
        services.put(RemoteService.IOMMU.serviceName(), clients.of(RemoteService.IOMMU, FaultApi.class));
        services.put(RemoteService.DEVICE.serviceName(), clients.of(RemoteService.DEVICE, FaultApi.class));
        DeviceShardClients shards = clients.deviceShards();
        for (int k = 0; k < shards.count(); k++) {
            deviceShards.add(shards.shard(k, FaultApi.class));
        }
    }

    public View view(Caller caller) {
        requireAdmin(caller);
        List<ArmedFault> armed = armed();
        return new View(!armed.isEmpty(), armed, kinds());
    }

    /**
     * What GET /fabric shows: where to go, and which kinds are armed now. {@code armed}: the faults that the view's
     * parts carried (iommu-service's and every device-service shard's); {@code failure}: why a part could not be read
     * (then which faults are armed is not known, and the summary says why instead).
     */
    public static Summary summary(List<ArmedFault> armed, RuntimeException failure) {
        if (failure != null) {
            return new Summary(PATH, null, String.valueOf(failure.getMessage()));
        }
        return new Summary(PATH, armed.stream().map(ArmedFault::kind).toList(), null);
    }

    public View arm(Caller caller, Request request) {
        requireAdmin(caller);
        if (request == null || request.faults() == null) {
            throw ErrnoException.invalid("faults is required: a list such as [{\"kind\":\"prg-response-drop\",\"count\":1}] ([] clears)");
        }
        Map<String, List<FaultSpec>> byService = new LinkedHashMap<>();
        services.keySet().forEach(s -> byService.put(s, new ArrayList<>()));
        Set<FaultKind> seen = new HashSet<>();
        for (int i = 0; i < request.faults().size(); i++) {
            FaultSpec f = request.faults().get(i);
            String at = "faults[" + i + "]";
            if (f == null) {
                throw ErrnoException.invalid(at + " must be a fault object");
            }
            f.validate(at);
            if (!seen.add(f.faultKind())) {
                throw ErrnoException.invalid(at + ".kind: " + f.kind() + " is given twice (one fault of each kind at a time)");
            }
            if (f.device() != null) {
                requireDevice(at, f.device());
            }
            byService.get(f.owner()).add(f);
        }
        // Clear first, then arm: a failure half-way leaves no fault armed rather than a mixture.
        clearAll();
        byService.forEach((service, specs) -> {
            if (specs.isEmpty()) {
                return;
            }
            if (!service.equals(RemoteService.DEVICE.serviceName()) || deviceShards.size() == 1) {
                services.get(service).arm(specs);
                return;
            }
            DeviceShardClients shards = clients.deviceShards();
            for (int k = 0; k < deviceShards.size(); k++) {
                int shard = k;
                List<FaultSpec> mine = specs.stream().filter(f -> f.device() == null || shards.shardOf(f.device()) == shard).toList();
                if (!mine.isEmpty()) {
                    deviceShards.get(k).arm(mine);
                }
            }
        });
        return view(caller);
    }

    /** Each service's fault API: device-service's once per shard. */
    private List<FaultApi> all() {
        List<FaultApi> out = new ArrayList<>();
        services.forEach((name, api) -> {
            if (name.equals(RemoteService.DEVICE.serviceName())) {
                out.addAll(deviceShards);
            } else {
                out.add(api);
            }
        });
        return out;
    }

    public void clear(Caller caller) {
        requireAdmin(caller);
        clearAll();
    }

    private void clearAll() {
        all().forEach(FaultApi::clear);
    }

    private List<ArmedFault> armed() {
        List<ArmedFault> out = new ArrayList<>();
        for (FaultApi service : all()) {
            List<ArmedFault> got = service.list();
            if (got != null) {
                out.addAll(got);
            }
        }
        return out;
    }

    private void requireDevice(String at, String device) {
        try {
            clients.device().device(device);
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                throw ErrnoException.invalid(at + ".device: no device '" + device + "' (GET /api/v1/devices lists them)");
            }
            throw e;
        }
    }

    private static List<Kind> kinds() {
        List<Kind> out = new ArrayList<>();
        for (FaultKind k : FaultKind.values()) {
            out.add(new Kind(k.wire(), String.join(" or ", k.services()), k.scope().name().toLowerCase(), k.takesDelay()));
        }
        return out;
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new ErrnoException(Errno.EPERM, "not-permitted", "fault injection is for admin tokens");
        }
    }
}
