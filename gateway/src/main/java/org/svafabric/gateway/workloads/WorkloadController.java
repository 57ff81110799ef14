package org.svafabric.gateway.workloads;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.data.domain.Page;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Workloads: load tests of the DMA fault paths, run asynchronously, with a report and a report page. */
@RestController
@RequestMapping("/api/v1/workloads")
@Tag(name = "Workloads", description = "Load-test the DMA fault paths: SVA warm/cold/reclaim and pinned DMA, with reports")
public class WorkloadController {
    private final Workloads workloads;
    private final ReportPage page;

    public WorkloadController(Workloads workloads, ReportPage page) {
        this.workloads = workloads;
        this.page = page;
    }

    @PostMapping
    @Operation(summary = "Start a workload: checked first (4xx, nothing created), then run asynchronously; 202 with Location")
    @Answers(status = 202, problems = {400, 403, 404, 409})
    public ResponseEntity<WorkloadView.Accepted> submit(Caller caller, @Valid @RequestBody WorkloadRequest body) {
        WorkloadEntity w = workloads.submit(caller, body);
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/workloads/" + w.getId()))
                .body(new WorkloadView.Accepted(w.getId(), w.getStatus()));
    }

    @GetMapping
    @Operation(summary = "The caller's workloads (admin: all), oldest first, paged: ?page=&size=, X-Total-Count and Link headers")
    @Answers(status = 200, problems = {400})
    public ResponseEntity<List<WorkloadView>> list(Caller caller, @RequestParam(required = false) Integer page,
                                                          @RequestParam(required = false) Integer size) {
        Paging.check(page, size);
        int p = page == null ? 0 : page;
        int s = size == null ? Paging.DEFAULT_SIZE : size;
        Page<WorkloadEntity> found = workloads.list(caller, p, s);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header("X-Total-Count", String.valueOf(found.getTotalElements()));
        if (found.hasNext()) {
            ok.header("Link", "</api/v1/workloads?page=" + (p + 1) + "&size=" + s + ">; rel=\"next\"");
        }
        return ok.body(found.getContent().stream().map(workloads::view).toList());
    }

    @GetMapping("/{id}")
    @Operation(summary = "A workload: status, request, progress while it runs, report once it ended")
    @Answers(status = 200, problems = {404})
    public WorkloadView get(Caller caller, @PathVariable String id) {
        return workloads.view(caller, id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Cancel: jobs in flight finish, then everything the workload created is torn down; 202")
    @Answers(status = 202, problems = {404})
    public ResponseEntity<WorkloadView> cancel(Caller caller, @PathVariable String id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(workloads.cancel(caller, id));
    }

    @GetMapping(path = "/{id}/report.html", produces = {MediaType.TEXT_HTML_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Operation(summary = "The report as a page: throughput, latency percentiles, faults per job, model vs wall clock (self-contained)")
    @Answers(status = 200, problems = {404})
    public ResponseEntity<String> reportPage(Caller caller, @PathVariable String id) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(page.render(workloads.view(caller, id)));
    }
}
