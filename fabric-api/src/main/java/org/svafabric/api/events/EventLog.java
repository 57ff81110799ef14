package org.svafabric.api.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A service's event log. {@link #emit} never blocks and never touches the database: the fault
 * paths call it. A writer thread persists events to the {@code event_log} table in batches, and
 * the most recent events are kept in memory for queries and live streaming. When events arrive
 * faster than the writer persists them, the excess is counted as dropped (from persistence only:
 * they stay visible in memory) rather than slowing the fault path.
 */
public class EventLog implements AutoCloseable, SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final int BATCH = 500;

    private final String service;
    private final JdbcTemplate jdbc;
    private final int retained;
    private final Deque<FabricEvent> recent = new ArrayDeque<>();
    private final BlockingQueue<FabricEvent> unwritten = new ArrayBlockingQueue<>(100_000);
    private final AtomicLong nextId = new AtomicLong(1);
    private final Thread writer;
    private final Counter dropped;
    private final MeterRegistry meters;
    /** fabric_events_total{type}: one counter per event type, built on first use. */
    private final Map<String, Counter> emitted = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public EventLog(String service, JdbcTemplate jdbc, MeterRegistry meters, int retained) {
        this.service = service;
        this.jdbc = jdbc;
        this.retained = retained;
        this.dropped = Counter.builder("fabric.events.dropped").description("events not persisted because the writer fell behind")
                .register(meters);
        this.meters = meters;
        this.writer = new Thread(this::writeLoop, service + "-event-writer");
        writer.setDaemon(true);
    }

    /**
     * Starts persisting once every singleton exists, i.e. after Flyway created event_log: ids
     * continue after the highest persisted one and the newest persisted events are visible again.
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (jdbc != null) {
            Long max = jdbc.queryForObject("select max(id) from event_log", Long.class);
            nextId.accumulateAndGet(max == null ? 1 : max + 1, Math::max);
            loadRecent();
        }
        writer.start();
    }

    public FabricEvent emit(FabricEvent e) {
        emitted.computeIfAbsent(e.type() == null ? "UNKNOWN" : e.type(), t -> Counter.builder("fabric.events")
                .description("events emitted into the service's event log").tag("type", t).register(meters)).increment();
        FabricEvent s;
        synchronized (recent) {
            // Stamped under the lock so that the retained events stay in seq order.
            s = e.stamped(nextId.getAndIncrement(), Instant.now(), service);
            recent.addLast(s);
            if (recent.size() > retained) {
                recent.removeFirst();
            }
        }
        if (jdbc != null && !unwritten.offer(s)) {
            dropped.increment();
        }
        return s;
    }

    /** Events with seq greater than {@code afterSeq}, oldest first, at most {@code limit}, filtered. */
    public List<FabricEvent> query(long afterSeq, String type, String device, Integer pasid, Long pid, Instant since, int limit) {
        List<FabricEvent> out = new ArrayList<>();
        synchronized (recent) {
            for (FabricEvent e : recent) {
                if (e.seq() > afterSeq && e.matches(type, device, pasid, pid) && (since == null || !e.time().isBefore(since))) {
                    out.add(e);
                    if (out.size() >= limit) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** The filter's {@code limit} newest events, still oldest first, and how many events match in all. */
    public Window newest(String type, String device, Integer pasid, Long pid, Instant since, int limit) {
        Deque<FabricEvent> out = new ArrayDeque<>();
        long total = 0;
        synchronized (recent) {
            for (Iterator<FabricEvent> it = recent.descendingIterator(); it.hasNext(); ) {
                FabricEvent e = it.next();
                if (since != null && e.time().isBefore(since)) {
                    break;
                }
                if (e.matches(type, device, pasid, pid)) {
                    total++;
                    if (out.size() < limit) {
                        out.addFirst(e);
                    }
                }
            }
        }
        return new Window(List.copyOf(out), total);
    }

    /** The newest events of a filter and the number of events that match it in the retained log. */
    public record Window(List<FabricEvent> events, long total) {
    }

    /** The seq of the newest event (0 when none was emitted yet). */
    public long lastSeq() {
        return nextId.get() - 1;
    }

    private void loadRecent() {
        List<FabricEvent> rows = jdbc.query(
                "select id, time, type, device, sid, pasid, pid, addr, detail from event_log order by id desc limit " + retained,
                (rs, i) -> FabricEvent.recorded(rs.getLong(1), rs.getTimestamp(2).toInstant(), service, rs.getString(3), rs.getString(4),
                        (Integer) rs.getObject(5, Integer.class), (Integer) rs.getObject(6, Integer.class),
                        (Long) rs.getObject(7, Long.class), rs.getObject(8) == null ? null : "0x" + Long.toHexString(rs.getLong(8)),
                        rs.getString(9)));
        synchronized (recent) {
            for (FabricEvent e : rows) {
                recent.addFirst(e);
            }
        }
    }

    private void writeLoop() {
        List<FabricEvent> batch = new ArrayList<>(BATCH);
        while (running || !unwritten.isEmpty()) {
            try {
                FabricEvent first = unwritten.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                unwritten.drainTo(batch, BATCH - 1);
                persist(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("could not persist {} events: {}", batch.size(), e.getMessage());
            } finally {
                batch.clear();
            }
        }
    }

    private void persist(List<FabricEvent> batch) {
        jdbc.batchUpdate("insert into event_log (id, time, type, device, sid, pasid, pid, addr, detail) values (?,?,?,?,?,?,?,?,?)",
                batch, batch.size(), (ps, e) -> {
                    ps.setLong(1, e.seq());
                    ps.setTimestamp(2, Timestamp.from(e.time()));
                    ps.setString(3, e.type());
                    ps.setString(4, e.device());
                    ps.setObject(5, e.sid());
                    ps.setObject(6, e.pasid());
                    ps.setObject(7, e.pid());
                    ps.setObject(8, e.addr() == null ? null : Long.decode(e.addr()));
                    ps.setString(9, e.detail() == null ? null : e.detail().length() > 1000 ? e.detail().substring(0, 1000) : e.detail());
                });
    }

    /** Stops the writer after it persisted what is queued. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
