package org.svafabric.gateway.jobs;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

/** DMA jobs: what a device driver asks its device to do, on the PASID of one of the caller's processes. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "DMA jobs", description = "MEMCPY, MEMSET, RAND48, SUM64, COMPARE on a device's DMA engine")
public class JobController {
    private final JobSubmission jobs;

    public JobController(JobSubmission jobs) {
        this.jobs = jobs;
    }

    @PostMapping("/devices/{dev}/jobs")
    @Operation(summary = "Submit a job: with pasid (SVA, virtual addresses of the PASID's process); without, IOVAs of the device's kernel domain (admin)")
    public ResponseEntity<JsonNode> submit(Caller caller, @PathVariable String dev, @RequestParam(defaultValue = "false") boolean wait,
                                           @RequestBody JsonNode body) {
        if (!body.has("pasid") || body.get("pasid").isNull()) {
            if (!caller.isAdmin()) {
                throw new ErrnoException(Errno.EPERM, "classical-dma-not-permitted",
                        "a job without pasid uses the device's kernel DMA domain; userspace drivers use /vfio/devices/{dev}/jobs");
            }
            return jobs.submit(caller, dev, wait, body);
        }
        JsonNode mm = jobs.requirePasidOwned(caller, body.get("pasid"));
        return jobs.submit(caller, dev, wait, body, mm.hasNonNull("pid") ? mm.get("pid").asLong() : null);
    }

    @GetMapping("/jobs")
    @Operation(summary = "The caller's jobs (admin: all), newest last, filtered by device and status; paged: ?page=&size=, X-Total-Count and Link headers")
    public ResponseEntity<JsonNode> list(Caller caller, @RequestParam(required = false) String device,
                                         @RequestParam(required = false) String status, @RequestParam(required = false) Integer page,
                                         @RequestParam(required = false) Integer size) {
        return jobs.list(caller, device, status, page, size);
    }

    @GetMapping("/jobs/{jobId}")
    @Operation(summary = "A job's completion record")
    public JsonNode get(Caller caller, @PathVariable String jobId) {
        return jobs.get(caller, jobId);
    }
}
