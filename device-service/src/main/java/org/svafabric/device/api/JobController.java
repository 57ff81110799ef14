package org.svafabric.device.api;

import java.util.Arrays;
import java.util.Locale;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceJobsApi;
import org.svafabric.device.engine.Job;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.device.Devices;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.engine.JobTable;

/** Jobs of every device: one, or a filtered page. */
@RestController
public class JobController implements DeviceJobsApi {
    static final int MAX_PAGE_SIZE = 1000;

    private final JobTable jobs;
    private final Devices devices;

    public JobController(JobTable jobs, Devices devices) {
        this.jobs = jobs;
        this.devices = devices;
    }

    @Override
    public DeviceViews.Job job(String jobId) {
        return Views.job(jobs.get(jobId));
    }

    /**
     * Jobs oldest first (newest last), filtered; without {@code page} the last page, the newest
     * {@code size}. {@code uid} selects what the gateway submitted for that caller.
     */
    @Override
    public DeviceViews.JobPage jobs(String device, Integer pasid, String status, Long uid, Integer page, int size) {
        if ((page != null && page < 0) || size < 1 || size > MAX_PAGE_SIZE) {
            throw ErrnoException.invalid("page must be >= 0 and size 1.." + MAX_PAGE_SIZE);
        }
        if (device != null && devices.all().stream().noneMatch(d -> d.device().id().equals(device))) {
            throw new ErrnoException(Errno.EINVAL, "no-such-device-filter", "device filter: there is no device " + device);
        }
        JobTable.Page p = jobs.page(new JobTable.Filter(device, pasid, status(status), uid), page, size);
        int shown = page == null ? (int) Math.max(0, (p.total() - 1) / size) : page;
        return new DeviceViews.JobPage(p.items().stream().map(Views::job).toList(), shown, size, p.total(),
                p.items().stream().map(Job::submittedMillis).toList());
    }

    private static JobStatus status(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return JobStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid("status filter must be one of " + Arrays.toString(JobStatus.values()) + ", not " + s);
        }
    }
}
