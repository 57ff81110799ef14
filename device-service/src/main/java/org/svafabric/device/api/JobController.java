package org.svafabric.device.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.device.engine.JobTable;

/** Jobs of every device: one, or a filtered page. */
@RestController
@RequestMapping("/device/v1/jobs")
public class JobController {
    static final int MAX_PAGE_SIZE = 1000;

    private final JobTable jobs;

    public JobController(JobTable jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/{jobId}")
    public DeviceViews.Job get(@PathVariable String jobId) {
        return Views.job(jobs.get(jobId));
    }

    @GetMapping
    public DeviceViews.JobPage list(@RequestParam(required = false) String device, @RequestParam(required = false) Integer pasid,
                                    @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw ErrnoException.invalid("page must be >= 0 and size 1.." + MAX_PAGE_SIZE);
        }
        JobTable.Page p = jobs.page(device, pasid, page, size);
        return new DeviceViews.JobPage(p.items().stream().map(Views::job).toList(), page, size, p.total());
    }
}
