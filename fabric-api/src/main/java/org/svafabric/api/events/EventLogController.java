package org.svafabric.api.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.wire.Headers;

/**
 * GET /internal/v1/events: this service's event log, for the gateway to gather. {@code after}
 * reads forward from a seq (the live stream); {@code newest=true} answers the newest
 * {@code limit} matching events (the log's last page) with {@code X-Total-Count} of all that
 * match. Either way oldest first.
 */
@RestController
public class EventLogController implements EventLogApi {
    private final EventLog events;

    public EventLogController(EventLog events) {
        this.events = events;
    }

    @Override
    public ResponseEntity<List<FabricEvent>> events(long after, boolean newest, String type, String device, Integer pasid, Long pid,
                                                    String since, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ErrnoException.invalid("limit must be 1..10000");
        }
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ErrnoException.invalid("since must be an ISO-8601 instant such as 2026-11-25T20:00:00Z");
            }
        }
        if (newest) {
            EventLog.Window w = events.newest(type, device, pasid, pid, from, limit);
            return ResponseEntity.ok().header(Headers.TOTAL_COUNT, String.valueOf(w.total()))
                    .header(Headers.LAST_SEQ, String.valueOf(events.lastSeq())).body(w.events());
        }
        return ResponseEntity.ok().header(Headers.LAST_SEQ, String.valueOf(events.lastSeq()))
                .body(events.query(after, type, device, pasid, pid, from, limit));
    }
}
