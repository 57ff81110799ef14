package org.svafabric.iommu.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.IommuEventsApi;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.EventLog;
import org.svafabric.api.events.FabricEvent;

/** GET /iommu/v1/events: this service's event log (SMMU events, faults, invalidations), oldest first, paged. */
@RestController
public class EventsController implements IommuEventsApi {
    private final EventLog events;

    public EventsController(EventLog events) {
        this.events = events;
    }

    @Override
    public List<FabricEvent> events(String type, String device,
                                    Integer pasid, Long pid,
                                    String since, int page,
                                    int size) {
        if (page < 0 || size < 1 || size > 10_000) {
            throw ErrnoException.invalid("page must be >= 0 and size 1..10000");
        }
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ErrnoException.invalid("since must be an ISO-8601 instant such as 2026-11-25T20:00:00Z");
            }
        }
        List<FabricEvent> all = events.query(0, type, device, pasid, pid, from, Integer.MAX_VALUE);
        int fromIndex = (int) Math.min((long) page * size, all.size());
        return all.subList(fromIndex, Math.min(fromIndex + size, all.size()));
    }
}
