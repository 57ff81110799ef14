package org.svafabric.api.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.svafabric.api.threads.PeriodicCheck;

/**
 * Asks each peer's health now and then, so that an idle service notices a peer's reboot too (nothing else
 * may call it for a long time, and it would go on holding bonds to processes that no longer exist). A peer
 * that does not answer is simply not observed this round: being down is not a reboot, coming back is.
 *
 * <p>A peer's reboot also makes it ask the other peers at once ({@link #askTheOthers}): reboots come in
 * chains (RAM's reboot reboots the SMMU, whose first call is the probe), and a service that learned of the
 * second must not serve it holding state of the first.
 */
public final class BootWatchdog extends PeriodicCheck {
    private final Map<String, String> peerUrls;
    private final PeerBoots boots;
    private final HttpClient http;

    /** @param peerUrls base URL of each peer to watch, by service name */
    public BootWatchdog(Map<String, String> peerUrls, PeerBoots boots, Duration interval) {
        super("boot-watchdog", interval);
        this.peerUrls = Map.copyOf(peerUrls);
        this.boots = boots;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** One round: each peer's health, its boot id observed. */
    @Override
    public void checkNow() {
        peerUrls.keySet().forEach(this::check);
    }

    /**
     * The others, now, on the thread that saw the reboot and before the call that told it is handled: the
     * device that sees the new SMMU's probe learns of the RAM reboot behind it there, not a watchdog round
     * later, when a job bound to the new SMMU would be aborted with a reboot that came before its bind.
     */
    public void askTheOthers(PeerReboot r) {
        peerUrls.keySet().stream().filter(service -> !service.equals(r.service())).forEach(this::check);
    }

    private void check(String service) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(peerUrls.get(service) + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            r.headers().firstValue(BootId.HEADER).ifPresent(id -> boots.observe(service, id));
        } catch (java.io.IOException e) {
            // down, or not yet up: observed when it answers again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected boolean wanted() {
        return !peerUrls.isEmpty();
    }
}
