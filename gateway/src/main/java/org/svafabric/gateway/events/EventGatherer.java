package org.svafabric.gateway.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.sva.PasidOwnership;
import org.svafabric.gateway.security.Caller;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Gathers the event logs of mm-service, iommu-service and device-service into one timeline,
 * oldest first. A caller other than admin sees only events about its own processes. Each
 * service answers the newest events that match (not the oldest), so that the timeline's last
 * page is always the newest.
 */
@Component
public class EventGatherer {
    private static final ParameterizedTypeReference<List<FabricEvent>> LIST = new ParameterizedTypeReference<>() {
    };

    private final ServiceClients clients;
    private final Map<String, String> services;
    private final PasidOwnership ownership;

    public EventGatherer(ServiceClients clients, FabricProperties props, PasidOwnership ownership) {
        this.clients = clients;
        this.ownership = ownership;
        this.services = Map.of("mm", props.services().mm(), "iommu", props.services().iommu(), "device", props.services().device());
    }

    public record Filter(String type, String device, Integer pasid, Long pid, String since) {
    }

    /** The newest {@code limit} events of every service that match {@code f} and the caller may see, merged oldest first. */
    public List<FabricEvent> gather(Caller caller, Filter f, int limit) {
        List<FabricEvent> all = new ArrayList<>();
        for (String base : services.values()) {
            all.addAll(newest(base, f, limit));
        }
        all.sort(Comparator.comparing(FabricEvent::time).thenComparing(FabricEvent::service).thenComparing(FabricEvent::seq));
        all.removeIf(e -> !visible(caller, e));
        return all.size() <= limit ? all : new ArrayList<>(all.subList(all.size() - limit, all.size()));
    }

    /** One service's events after seq {@code afterSeq}, oldest first. */
    public List<FabricEvent> fetch(String base, long afterSeq, Filter f, int limit) {
        return query(base, afterSeq, false, f, limit);
    }

    /** One service's newest {@code limit} events that match, oldest first. */
    public List<FabricEvent> newest(String base, Filter f, int limit) {
        return query(base, 0, true, f, limit);
    }

    private List<FabricEvent> query(String base, long afterSeq, boolean newest, Filter f, int limit) {
        List<FabricEvent> got = clients.forBaseUrl(base).get().uri(b -> {
            b.path("/internal/v1/events").queryParam("after", afterSeq).queryParam("limit", limit);
            if (newest) {
                b.queryParam("newest", true);
            }
            if (f.type() != null) {
                b.queryParam("type", f.type());
            }
            if (f.device() != null) {
                b.queryParam("device", f.device());
            }
            if (f.pasid() != null) {
                b.queryParam("pasid", f.pasid());
            }
            if (f.pid() != null) {
                b.queryParam("pid", f.pid());
            }
            if (f.since() != null) {
                b.queryParam("since", f.since());
            }
            return b.build();
        }).retrieve().body(LIST);
        return got == null ? List.of() : got;
    }

    public Map<String, String> services() {
        return services;
    }

    public boolean visible(Caller caller, FabricEvent e) {
        if (caller.isAdmin()) {
            return true;
        }
        return e.pid() != null && ownership.visible(caller, e.pid());
    }
}
