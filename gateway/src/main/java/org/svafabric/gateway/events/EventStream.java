package org.svafabric.gateway.events;

import java.io.IOException;
import java.util.List;
import java.util.Map;
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
import org.svafabric.api.events.FabricEvent;
import org.svafabric.gateway.security.Caller;

/**
 * Live events as Server-Sent Events. One poller (not one per subscriber) asks each service for
 * the events after the last one it saw, every {@code POLL_MS}, and sends each subscriber the
 * ones it may see and asked for.
 */
@Component
public class EventStream implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final long POLL_MS = 200;

    private record Subscriber(SseEmitter emitter, Caller caller, EventGatherer.Filter filter) {
    }

    private final EventGatherer gatherer;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-event-poller");
        t.setDaemon(true);
        return t;
    });

    public EventStream(EventGatherer gatherer) {
        this.gatherer = gatherer;
        poller.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    public SseEmitter subscribe(Caller caller, EventGatherer.Filter filter) {
        SseEmitter emitter = new SseEmitter(TimeUnit.HOURS.toMillis(1));
        Subscriber s = new Subscriber(emitter, caller, filter);
        emitter.onCompletion(() -> subscribers.remove(s));
        emitter.onTimeout(() -> subscribers.remove(s));
        emitter.onError(e -> subscribers.remove(s));
        subscribers.add(s);
        try {
            emitter.send(SseEmitter.event().comment("sva-fabric events"));
        } catch (IOException e) {
            subscribers.remove(s);
        }
        return emitter;
    }

    private void poll() {
        for (Map.Entry<String, String> svc : gatherer.services().entrySet()) {
            try {
                Long cursor = cursors.get(svc.getKey());
                if (cursor == null) {
                    // Start from now: a new stream shows what happens from here on.
                    List<FabricEvent> last = gatherer.fetch(svc.getValue(), 0, new EventGatherer.Filter(null, null, null, null, null), 10_000);
                    cursors.put(svc.getKey(), last.isEmpty() ? 0 : last.get(last.size() - 1).id());
                    continue;
                }
                if (subscribers.isEmpty()) {
                    cursors.remove(svc.getKey());
                    continue;
                }
                List<FabricEvent> fresh = gatherer.fetch(svc.getValue(), cursor, new EventGatherer.Filter(null, null, null, null, null), 1000);
                for (FabricEvent e : fresh) {
                    cursors.put(svc.getKey(), e.id());
                    deliver(e);
                }
            } catch (RuntimeException e) {
                log.debug("event poll of {} failed: {}", svc.getKey(), e.getMessage());
            }
        }
    }

    private void deliver(FabricEvent e) {
        for (Subscriber s : subscribers) {
            EventGatherer.Filter f = s.filter();
            if (!e.matches(f.type(), f.device(), f.pasid(), f.pid()) || !gatherer.visible(s.caller(), e)) {
                continue;
            }
            try {
                s.emitter().send(SseEmitter.event().name(e.type()).id(e.service() + "-" + e.id()).data(e));
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
