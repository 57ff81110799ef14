package org.svafabric.api.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;

/**
 * GET /internal/v1/events: this service's event log, for the gateway to gather. {@code after}
 * reads forward from a seq (the live stream); {@code newest=true} answers the newest
 * {@code limit} matching events (the log's last page) with {@code X-Total-Count} of all that
 * match. Either way oldest first.
 */
@RestController
public class EventLogController {
    private final EventLog events;

    public EventLogController(EventLog events) {
        this.events = events;
    }

    @GetMapping("/internal/v1/events")
    public ResponseEntity<List<FabricEvent>> events(@RequestParam(defaultValue = "0") long after,
                                    @RequestParam(defaultValue = "false") boolean newest,
                                    @RequestParam(required = false) String type,
                                    @RequestParam(required = false) String device,
                                    @RequestParam(required = false) Integer pasid,
                                    @RequestParam(required = false) Long pid,
                                    @RequestParam(required = false) String since,
                                    @RequestParam(defaultValue = "1000") int limit) {
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
            return ResponseEntity.ok().header("X-Total-Count", String.valueOf(w.total()))
                    .header("X-Last-Seq", String.valueOf(events.lastSeq())).body(w.events());
        }
        return ResponseEntity.ok().header("X-Last-Seq", String.valueOf(events.lastSeq()))
                .body(events.query(after, type, device, pasid, pid, from, limit));
    }
}
