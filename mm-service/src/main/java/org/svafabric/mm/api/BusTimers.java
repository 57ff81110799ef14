package org.svafabric.mm.api;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.svafabric.api.bus.BusWire;

/**
 * Times the memory bus's two paths into the same {@code http.server.requests} timers, with the same tags, that
 * Spring's server observation records for every other path. The observation builds each request's tags and looks
 * its timer up anew, which was a quarter of mm-service's CPU per bus request, and the bus carries most of the
 * fabric's requests (every segment of a DMA, every PRI and command queue entry; docs/PERFORMANCE.md, issue 10).
 * Here each (path, status, error) finds its timer once; {@link #notTheBus} keeps the observation off these paths.
 */
final class BusTimers implements Filter {
    private static final String NAME = "http.server.requests";

    private record Key(String path, int status, String error) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    BusTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        long start = System.nanoTime();
        String escaped = null;
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            escaped = e.getClass().getSimpleName();
            throw e;
        } finally {
            int status = escaped != null && !response.isCommitted() ? 500 : ((HttpServletResponse) response).getStatus();
            record(((HttpServletRequest) request).getRequestURI(), status, escaped, System.nanoTime() - start);
        }
    }

    /** One bus request as the server saw it; {@code error}: the simple name of what escaped, or null. */
    private void record(String path, int status, String error, long nanos) {
        timers.computeIfAbsent(new Key(path, status, error == null ? "none" : error), this::timer)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Key k) {
        return Timer.builder(NAME)
                .tags(Tags.of("error", k.error(), "exception", k.error(), "method", "POST", "outcome", outcome(k.status()),
                        "status", String.valueOf(k.status()), "uri", k.path()))
                .register(registry);
    }

    /** As Spring's {@code HttpOutcome}: the status's class. */
    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    /** Declines the server observation of the two bus paths, which this filter times instead. */
    static ObservationPredicate notTheBus() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && isBus(server.getCarrier().getRequestURI()));
    }

    private static boolean isBus(String uri) {
        return BusWire.READ_PATH.equals(uri) || BusWire.WRITE_PATH.equals(uri);
    }
}
