package org.svafabric.gateway.jobs;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;


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
    @Answers(status = 202, problems = {400, 403, 404, 409})
    public ResponseEntity<DeviceViews.Job> submit(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Parameter(description = "Hold the answer until the job is final (200 with its completion record)") @RequestParam(defaultValue = "false") boolean wait,
                                                  @RequestBody DeviceRequests.Job body) {
        if (body.pasid() == null) {
            if (!caller.isAdmin()) {
                throw new ErrnoException(Errno.EPERM, "classical-dma-not-permitted",
                        "a job without pasid uses the device's kernel DMA domain; userspace drivers use /vfio/devices/{dev}/jobs");
            }
            return jobs.submit(caller, dev, wait, body);
        }
        IommuViews.Pasid mm = jobs.requirePasidOwned(caller, body.pasid());
        return jobs.submit(caller, dev, wait, body, mm.pid());
    }

    @GetMapping("/jobs")
    @Operation(summary = "The caller's jobs (admin: all), newest last, filtered by device and status; paged: ?page=&size=, X-Total-Count and Link headers")
    @Answers(status = 200, problems = {400})
    public ResponseEntity<List<DeviceViews.Job>> list(Caller caller,
                                                      @Parameter(description = "Only jobs of this device") @RequestParam(required = false) String device,
                                                      @Parameter(description = "Only jobs in this status: QUEUED, RUNNING, COMPLETED, FAULTED, ABORTED") @RequestParam(required = false) String status,
                                                      @Parameter(description = "Page number, 0 first; without it the newest page") @RequestParam(required = false) Integer page,
                                                      @Parameter(description = "Page size, 1..1000 (default 100)") @RequestParam(required = false) Integer size) {
        return jobs.list(caller, device, status, page, size);
    }

    @GetMapping("/jobs/{jobId}")
    @Operation(summary = "A job's completion record")
    @Answers(status = 200, problems = {404})
    public DeviceViews.Job get(Caller caller, @Parameter(description = "Job id, as the submission answered it") @PathVariable String jobId) {
        return jobs.get(caller, jobId);
    }
}
