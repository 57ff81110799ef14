package org.svafabric.gateway.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.events.EventLogApi;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.gateway.sva.PasidOwnership;
import org.svafabric.gateway.security.Caller;


/**
 * Gathers the event logs of mm-service, iommu-service and device-service into one timeline,
 * oldest first. A caller other than admin sees only events about its own processes. Each
 * service answers the newest events that match (not the oldest), so that the timeline's last
 * page is always the newest.
 */
@Component
public class EventGatherer {
    /** The services whose logs are gathered, by the name their events carry. */
    private final Map<String, Remote> services = new LinkedHashMap<>();
    private final Map<Remote, EventLogApi> logs = new HashMap<>();
    private final PasidOwnership ownership;

    /**
     * The logs by name: "mm", "iommu", "device" (device-service, or its shard 0), and "device-1", ... for the other
     * device-service shards; the names are those of an SSE stream's positions (Last-Event-ID "mm:12,device-1:3").
     */
    public EventGatherer(ServiceClients clients, PasidOwnership ownership) {
        this.ownership = ownership;
        services.put("mm", Remote.of(RemoteService.MM));
        services.put("iommu", Remote.of(RemoteService.IOMMU));
        DeviceShardClients shards = clients.deviceShards();
        for (int k = 0; k < shards.count(); k++) {
            services.put(k == 0 ? "device" : "device-" + k, shards.remote(k));
        }
        services.values().forEach(r -> logs.put(r, clients.of(r, EventLogApi.class)));
    }

    public record Filter(String type, String device, Integer pasid, Long pid, String since) {
    }

    /** The newest {@code limit} events of every service that match {@code f} and the caller may see, merged oldest first. */
    public List<FabricEvent> gather(Caller caller, Filter f, int limit) {
        List<FabricEvent> all = new ArrayList<>();
        for (Remote s : services.values()) {
            try {
                all.addAll(newest(s, f, limit));
            } catch (RuntimeException e) {
                // One device-service shard down takes its events away, not the others'; a service down fails it.
                if (!s.sharded()) {
                    throw e;
                }
            }
        }
        all.sort(Comparator.comparing(FabricEvent::time).thenComparing(FabricEvent::service).thenComparing(FabricEvent::seq));
        all.removeIf(e -> !visible(caller, e));
        return all.size() <= limit ? all : new ArrayList<>(all.subList(all.size() - limit, all.size()));
    }

    /** One service's events after seq {@code afterSeq}, oldest first. */
    public List<FabricEvent> fetch(Remote service, long afterSeq, Filter f, int limit) {
        return query(service, afterSeq, false, f, limit);
    }

    /** One service's newest {@code limit} events that match, oldest first. */
    public List<FabricEvent> newest(Remote service, Filter f, int limit) {
        return query(service, 0, true, f, limit);
    }

    private List<FabricEvent> query(Remote service, long afterSeq, boolean newest, Filter f, int limit) {
        List<FabricEvent> got = logs.get(service).events(afterSeq, newest, f.type(), f.device(), f.pasid(), f.pid(), f.since(), limit)
                .getBody();
        return got == null ? List.of() : got;
    }

    public Map<String, Remote> services() {
        return services;
    }

    public boolean visible(Caller caller, FabricEvent e) {
        if (caller.isAdmin()) {
            return true;
        }
        return e.pid() != null && ownership.visible(caller, e.pid());
    }
}
