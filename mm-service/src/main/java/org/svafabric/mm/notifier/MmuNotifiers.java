package org.svafabric.mm.notifier;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.error.ErrnoException;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What all MMU-notifier chains share: the transport, the acknowledgement timeouts, subscription
 * ids and metrics. Each mm has its own {@link MmuNotifierChain}.
 */
public final class MmuNotifiers {
    private final NotifierTransport transport;
    private final Duration timeout;
    private final Duration releaseTimeout;
    private final MeterRegistry meters;
    private final AtomicLong ids = new AtomicLong();

    /**
     * {@code timeout} bounds invalidate_range (and a BTM subscriber's TLBI); {@code releaseTimeout} bounds release,
     * which waits for the bound devices' mm_exit handlers to stop their DMA and so must outlast how long they may take.
     */
    public MmuNotifiers(NotifierTransport transport, Duration timeout, Duration releaseTimeout, MeterRegistry meters) {
        this.transport = transport;
        this.timeout = timeout;
        this.releaseTimeout = releaseTimeout;
        this.meters = meters;
    }

    public MmuNotifierChain newChain() {
        return new MmuNotifierChain(this);
    }

    NotifierTransport transport() {
        return transport;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration releaseTimeout() {
        return releaseTimeout;
    }

    MeterRegistry meters() {
        return meters;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** A subscriber's callback base URL: absolute http(s), no query or fragment. */
    static String checkCallbackUrl(String url) {
        if (url == null || url.isBlank()) {
            throw ErrnoException.invalid("callbackUrl is required");
        }
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid("callbackUrl is not a URL: " + url);
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw ErrnoException.invalid("callbackUrl must be an absolute http(s) URL without query or fragment: " + url);
        }
        String s = u.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
