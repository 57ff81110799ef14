package org.svafabric.api.boot;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.web.LivenessApi;

/**
 * A service that has just booted calls each peer that depends on it once, before it is ready: the call carries its
 * new boot id, so the peer resets what it held for this service's previous life ({@link PeerBoots}) before anybody
 * can use this one. Without it a peer learns of the reboot from its watchdog or from the first call that happens to
 * go there, and a bind or job made in between is undone by a reboot that came before it (a bond that iommu-service
 * granted on a rebooted device, then shut down with the device's SVA a moment later).
 *
 * <p>It runs when the context has started and its web server is up (a peer's reset may call back: iommu-service
 * takes a rebooted device-service's device list) and before the application is ready: the readiness state, and
 * with it {@code /actuator/health}, stays refusing until every peer has answered or failed. A peer that is down
 * learns of the reboot when it is back, from its first call here or its watchdog.
 */
public final class BootAnnouncement implements ApplicationListener<ApplicationStartedEvent> {
    private static final Logger log = LoggerFactory.getLogger(BootAnnouncement.class);

    private final BootId self;
    private final ServiceClients clients;

    public BootAnnouncement(BootId self, ServiceClients clients) {
        this.self = self;
        this.clients = clients;
    }

    @Override
    public void onApplicationEvent(ApplicationStartedEvent event) {
        announce();
    }

    /**
     * Calls each peer's liveness probe, outside the breakers ({@link ServiceClients#tell}); the answer does not
     * matter, the call's boot id does.
     */
    public void announce() {
        for (Remote peer : peers()) {
            String answer = clients.tell(peer, LivenessApi.PATH, clients.readTimeout());
            if (!answer.startsWith("2")) {
                log.info("{} not told of this boot now ({}): it learns on its first call here or its next watchdog round",
                        peer.describe(), answer);
            }
        }
    }

    /**
     * The services that watch this one: the other internal services (a device-service shard not its neighbour
     * shards, which do not depend on it). The gateway watches everyone and is called by nobody; it learns on its own
     * calls, and its own boot matters to nobody.
     */
    List<Remote> peers() {
        List<Remote> out = new ArrayList<>();
        String me = self.service();
        if (BootId.GATEWAY.equals(me)) {
            return out;
        }
        if (!BootId.MM.equals(me)) {
            out.add(Remote.of(RemoteService.MM));
        }
        if (!BootId.IOMMU.equals(me)) {
            out.add(Remote.of(RemoteService.IOMMU));
        }
        if (!BootId.isDevice(me)) {
            int shards = clients.deviceShards().count();
            for (int k = 0; k < shards; k++) {
                out.add(clients.deviceShards().remote(k));
            }
        }
        return out;
    }
}
