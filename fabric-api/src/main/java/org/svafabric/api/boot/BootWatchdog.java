package org.svafabric.api.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.springframework.context.SmartLifecycle;
import org.svafabric.api.threads.Periodic;

/**
 * Asks each peer's health now and then, so that an idle service notices a peer's reboot too (nothing else
 * may call it for a long time, and it would go on holding bonds to processes that no longer exist). A peer
 * that does not answer is simply not observed this round: being down is not a reboot, coming back is.
 */
public final class BootWatchdog implements SmartLifecycle {
    private final Map<String, String> peerUrls;
    private final PeerBoots boots;
    private final HttpClient http;
    private final Periodic rounds;

    /** @param peerUrls base URL of each peer to watch, by service name */
    public BootWatchdog(Map<String, String> peerUrls, PeerBoots boots, Duration interval) {
        this.peerUrls = Map.copyOf(peerUrls);
        this.boots = boots;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
        this.rounds = new Periodic("boot-watchdog", interval, this::checkNow);
    }

    /** One round: each peer's health, its boot id observed. */
    public void checkNow() {
        peerUrls.forEach((service, url) -> {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                r.headers().firstValue(BootId.HEADER).ifPresent(id -> boots.observe(service, id));
            } catch (java.io.IOException e) {
                // down, or not yet up: observed when it answers again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void start() {
        if (!peerUrls.isEmpty()) {
            rounds.start();
        }
    }

    @Override
    public void stop() {
        rounds.stop();
    }

    @Override
    public boolean isRunning() {
        return rounds.isRunning();
    }
}
