package org.svafabric.gateway.events;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Events", description = "The fabric's event log: SMMU events, page requests and responses, stalls, invalidations, binds, mm_exit")
public class EventController {
    private final EventGatherer gatherer;
    private final EventStream stream;

    public EventController(EventGatherer gatherer, EventStream stream) {
        this.gatherer = gatherer;
        this.stream = stream;
    }

    @GetMapping
    @Operation(summary = "The event log, newest last, filtered and paged (X-Total-Count, Link headers)")
    @Answers(status = 200, problems = {400})
    public ResponseEntity<List<FabricEvent>> events(Caller caller,
                                                    @Parameter(description = "Only events of this type (F_TRANSLATION, PRI_REQUEST, BIND, ...)") @RequestParam(required = false) String type,
                                                    @Parameter(description = "Only events of this device") @RequestParam(required = false) String device,
                                                    @Parameter(description = "Only events of this PASID") @RequestParam(required = false) Integer pasid,
                                                    @Parameter(description = "Only events of this process") @RequestParam(required = false) Long pid,
                                                    @Parameter(description = "Only events at or after this ISO-8601 instant") @RequestParam(required = false) String since,
                                                    @Parameter(description = "Page number, 0 first") @RequestParam(required = false) Integer page,
                                                    @Parameter(description = "Page size, 1..1000 (default 100)") @RequestParam(required = false) Integer size) {
        List<FabricEvent> all = gatherer.gather(caller, new EventGatherer.Filter(blank(type), blank(device), pasid, pid, blank(since)), 10_000);
        return Paging.lastPages(all, page, size, "/api/v1/events");
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "The same events, live, as Server-Sent Events (curl -N); from now on, or after Last-Event-ID when reconnecting")
    @Answers(status = 200, problems = {400})
    public SseEmitter stream(Caller caller,
                             @Parameter(description = "Reconnecting: the id of the last event received") @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                             @Parameter(description = "Only events of this type (F_TRANSLATION, PRI_REQUEST, BIND, ...)") @RequestParam(required = false) String type,
                             @Parameter(description = "Only events of this device") @RequestParam(required = false) String device,
                             @Parameter(description = "Only events of this PASID") @RequestParam(required = false) Integer pasid,
                             @Parameter(description = "Only events of this process") @RequestParam(required = false) Long pid) {
        return stream.subscribe(caller, new EventGatherer.Filter(blank(type), blank(device), pasid, pid, null), blank(lastEventId));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

}
