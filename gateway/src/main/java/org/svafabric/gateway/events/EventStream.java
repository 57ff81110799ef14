package org.svafabric.gateway.events;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.svafabric.api.client.Remote;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.gateway.security.Caller;

/**
 * Live events as Server-Sent Events. A new stream starts at the newest event of each service:
 * it shows what happens from then on and replays nothing unasked. A client that reconnects with
 * {@code Last-Event-ID} gets what it missed: each SSE id is the subscriber's position in every
 * service's log ({@code mm:12,iommu:500,device:33}, service names shortened), so the replay
 * resumes each log exactly where that client left it.
 *
 * <p>One poller (not one per subscriber) asks each service, every {@code POLL_MS}, for the events
 * after the oldest position of any subscriber, and sends each subscriber those it has not seen
 * yet, may see and asked for, in time order. Positions are touched only by the poller thread
 * once the subscriber is published.
 */
@Component
public class EventStream implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final long POLL_MS = 200;
    private static final int BATCH = 1000;
    private static final EventGatherer.Filter ALL = new EventGatherer.Filter(null, null, null, null, null);

    private record Subscriber(SseEmitter emitter, Caller caller, EventGatherer.Filter filter, Map<String, Long> position) {
    }

    private final EventGatherer gatherer;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-event-poller");
        t.setDaemon(true);
        return t;
    });

    public EventStream(EventGatherer gatherer) {
        this.gatherer = gatherer;
        poller.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** @param lastEventId the {@code Last-Event-ID} a reconnecting client sends, or null for a new stream */
    public SseEmitter subscribe(Caller caller, EventGatherer.Filter filter, String lastEventId) {
        Map<String, Long> position = new ConcurrentHashMap<>(lastEventId == null ? Map.of() : parse(lastEventId));
        for (Map.Entry<String, Remote> svc : gatherer.services().entrySet()) {
            // A service the client has no position in starts at its newest event: no replay unasked.
            position.computeIfAbsent(svc.getKey(), k -> newestSeq(svc.getValue()));
        }
        SseEmitter emitter = new SseEmitter(TimeUnit.HOURS.toMillis(1));
        Subscriber s = new Subscriber(emitter, caller, filter, position);
        emitter.onCompletion(() -> subscribers.remove(s));
        emitter.onTimeout(() -> subscribers.remove(s));
        emitter.onError(e -> subscribers.remove(s));
        try {
            emitter.send(SseEmitter.event().comment("sva-fabric events"));
        } catch (IOException e) {
            return emitter;
        }
        subscribers.add(s);
        return emitter;
    }

    /** "mm:12,iommu:500" -> {mm=12, iommu=500}; anything else is the caller's mistake. */
    static Map<String, Long> parse(String lastEventId) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String part : lastEventId.split(",")) {
            int colon = part.indexOf(':');
            try {
                if (colon < 1) {
                    throw new NumberFormatException();
                }
                out.put(part.substring(0, colon).trim(), Long.parseLong(part.substring(colon + 1).trim()));
            } catch (NumberFormatException e) {
                throw ErrnoException.invalid("Last-Event-ID must be an id this stream sent, such as mm:12,iommu:500,device:33; got '"
                        + lastEventId + "'");
            }
        }
        return out;
    }

    static String format(Map<String, Long> position) {
        StringJoiner j = new StringJoiner(",");
        position.forEach((k, v) -> j.add(k + ":" + v));
        return j.toString();
    }

    private long newestSeq(Remote base) {
        try {
            List<FabricEvent> last = gatherer.newest(base, ALL, 1);
            return last.isEmpty() ? 0 : last.get(last.size() - 1).seq();
        } catch (RuntimeException e) {
            log.debug("newest event of {} unknown: {}", base, e.getMessage());
            return 0;
        }
    }

    private void poll() {
        // One snapshot per poll: a subscriber that joins meanwhile waits for the next poll, which
        // reads from its own position (reading from a later one would skip what it has not seen).
        List<Subscriber> now = List.copyOf(subscribers);
        if (now.isEmpty()) {
            return;
        }
        // Each event with the log it came from (two device-service shards' events may look alike but for that).
        List<Map.Entry<String, FabricEvent>> fresh = new ArrayList<>();
        for (Map.Entry<String, Remote> svc : gatherer.services().entrySet()) {
            long from = now.stream().mapToLong(s -> s.position().getOrDefault(svc.getKey(), 0L)).min().orElse(0);
            try {
                for (FabricEvent e : gatherer.fetch(svc.getValue(), from, ALL, BATCH)) {
                    fresh.add(Map.entry(svc.getKey(), e));
                }
            } catch (RuntimeException e) {
                log.debug("event poll of {} failed: {}", svc.getKey(), e.getMessage());
            }
        }
        fresh.sort(Comparator.comparing((Map.Entry<String, FabricEvent> x) -> x.getValue().time())
                .thenComparing(x -> x.getValue().service()).thenComparing(x -> x.getValue().seq()));
        for (Map.Entry<String, FabricEvent> e : fresh) {
            deliver(now, e.getKey(), e.getValue());
        }
    }

    private void deliver(List<Subscriber> to, String svc, FabricEvent e) {
        for (Subscriber s : to) {
            if (e.seq() <= s.position().getOrDefault(svc, 0L)) {
                continue; // seen already (or before this subscriber's start)
            }
            s.position().put(svc, e.seq());
            EventGatherer.Filter f = s.filter();
            if (!e.matches(f.type(), f.device(), f.pasid(), f.pid()) || !gatherer.visible(s.caller(), e)) {
                continue;
            }
            try {
                s.emitter().send(SseEmitter.event().name(e.type()).id(format(s.position())).data(e));
            } catch (IOException | IllegalStateException gone) {
                subscribers.remove(s);
            }
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
        subscribers.forEach(s -> s.emitter().complete());
    }
}
