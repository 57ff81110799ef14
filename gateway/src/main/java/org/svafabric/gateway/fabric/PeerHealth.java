package org.svafabric.gateway.fabric;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.HealthApi;
import org.svafabric.api.client.Remote;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.client.ServiceGuard;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.api.web.LivenessApi;

/**
 * The services' health as GET /fabric shows it, without asking every service's {@code /actuator/health} on every
 * view (three of the view's seven backend calls, and the dearest ones).
 *
 * <p>Whether a service is there at all is decided by this view: a service that the view reads anyway (iommu-service
 * for the SMMUs, each device-service shard for its devices) is DOWN, with that call's reason, when the call could
 * not reach it (connection refused, timeout: the fabric's {@value ServiceGuard#SERVICE_UNAVAILABLE} problem), so a
 * killed service shows as down in the first view after the kill. When it answered, its health status (UP, or
 * DOWN/OUT_OF_SERVICE of its own indicators, such as its database) is its actuator's answer, asked again when the
 * one held is older than {@link #MAX_AGE}. A service the view does not otherwise read (mm-service) is reached through
 * its liveness state on every view ({@link #probe}, {@link LivenessApi}: a controller, not the actuator, whose
 * handler made the full health the view's dearest call), and its full health is then held in the same way.
 */
@Component
public class PeerHealth {
    /** How long an actuator answer of a service that the view reached stands for its health status. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final ServiceClients clients;
    private final FabricProperties props;
    private final LongSupplier nanoClock;
    private final Map<Remote, Held> held = new ConcurrentHashMap<>();

    private record Held(FabricView.Health health, long at) {
    }

    @Autowired
    public PeerHealth(ServiceClients clients, FabricProperties props) {
        this(clients, props, System::nanoTime);
    }

    PeerHealth(ServiceClients clients, FabricProperties props, LongSupplier nanoClock) {
        this.clients = clients;
        this.props = props;
        this.nanoClock = nanoClock;
    }

    /** The service's actuator health, asked now. */
    public FabricView.Health ask(Remote r) {
        String url = r.baseUrl(props);
        FabricView.Health h;
        try {
            HealthApi.Health answer = clients.of(r, HealthApi.class).health();
            h = new FabricView.Health(url, answer == null || answer.status() == null ? "UNKNOWN" : answer.status(), null);
        } catch (RuntimeException e) {
            h = down(url, e);
        }
        if ("UP".equals(h.status())) {
            held.put(r, new Held(h, nanoClock.getAsLong()));
        } else {
            held.remove(r);
        }
        return h;
    }

    /**
     * The health of a service the view reads nothing else of: its liveness state on every call (a killed service is
     * DOWN at once), its full health as {@link #after} holds it. A probe answered but not UP asks the full health now.
     */
    public FabricView.Health probe(Remote r) {
        RuntimeException failure = null;
        try {
            HealthApi.Health live = clients.of(r, LivenessApi.class).liveness();
            if (live == null || !"UP".equals(live.status())) {
                return ask(r);
            }
        } catch (RuntimeException e) {
            if (!unreachable(e)) {
                return ask(r);
            }
            failure = e;
        }
        return after(r, failure);
    }

    /**
     * The health of a service the view has just called: {@code failure} is what that call threw, or null when it
     * answered. Unreachable: DOWN with the call's reason. Reached: its last UP answer while younger than
     * {@link #MAX_AGE}, else {@link #ask}.
     */
    public FabricView.Health after(Remote r, RuntimeException failure) {
        if (failure != null && unreachable(failure)) {
            held.remove(r);
            return down(r.baseUrl(props), failure);
        }
        Held h = held.get(r);
        if (h != null && nanoClock.getAsLong() - h.at() < MAX_AGE.toNanos()) {
            return h.health();
        }
        return ask(r);
    }

    /** A call that did not reach the service (the fabric's 503 for a service that does not answer), not one it refused. */
    static boolean unreachable(RuntimeException e) {
        return e instanceof ErrnoException ee && ServiceGuard.SERVICE_UNAVAILABLE.equals(ee.slug());
    }

    private static FabricView.Health down(String url, RuntimeException e) {
        return new FabricView.Health(url, "DOWN", e.getMessage());
    }
}
