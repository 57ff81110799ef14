package org.svafabric.api.device;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;

/** Jobs of every device: one, or a filtered page. */
public interface DeviceJobsApi {

    /** ENOENT for an unknown job. */
    @GetExchange("/device/v1/jobs/{jobId}")
    DeviceViews.Job job(@PathVariable("jobId") String jobId);

    /** Oldest first; without {@code page} the last page. {@code status}: QUEUED .. ABORTED; {@code uid}: the submitter. */
    @GetExchange("/device/v1/jobs")
    DeviceViews.JobPage jobs(@RequestParam(name = "device", required = false) String device,
                             @RequestParam(name = "pasid", required = false) Integer pasid,
                             @RequestParam(name = "status", required = false) String status,
                             @RequestParam(name = "uid", required = false) Long uid,
                             @RequestParam(name = "page", required = false) Integer page,
                             @RequestParam(name = "size", defaultValue = "50") int size);
}
