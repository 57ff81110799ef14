package org.svafabric.api.events;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;

/** Every service's event log, for the gateway to gather into one timeline ({@link EventLogController} serves it). */
public interface EventLogApi {

    /**
     * Events after sequence number {@code after}, oldest first, at most {@code limit}; {@code newest}: the newest
     * {@code limit} instead (with {@code X-Total-Count}); {@code since}: an ISO-8601 instant. Every answer carries
     * {@code X-Last-Seq}.
     */
    @GetExchange("/internal/v1/events")
    ResponseEntity<List<FabricEvent>> events(@RequestParam(name = "after", defaultValue = "0") long after,
                             @RequestParam(name = "newest", defaultValue = "false") boolean newest,
                             @RequestParam(name = "type", required = false) String type,
                             @RequestParam(name = "device", required = false) String device,
                             @RequestParam(name = "pasid", required = false) Integer pasid,
                             @RequestParam(name = "pid", required = false) Long pid,
                             @RequestParam(name = "since", required = false) String since,
                             @RequestParam(name = "limit", defaultValue = "1000") int limit);
}
