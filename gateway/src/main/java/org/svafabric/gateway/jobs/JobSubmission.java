package org.svafabric.gateway.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.wire.Headers;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.sva.PasidOwnership;
import org.svafabric.gateway.web.Paging;

/**
 * Submits jobs to device-service and answers who may see them; shared by the kernel and VFIO job
 * endpoints. device-service records the submitter's uid with each job, so ownership survives a
 * gateway restart; a job without one (submitted around the gateway) is attributed through its
 * PASID's process, and without a PASID it is the kernel's (admin only).
 */
@Component
public class JobSubmission {
    private static final Duration WAIT_TIMEOUT = Duration.ofMinutes(10);

    private final DeviceApi devices;
    /** ?wait=true holds the call until the job completes, page faults and stalls included. */
    private final DeviceApi patientDevices;
    private final PasidOwnership pasids;
    private final DeviceShardClients shards;

    public JobSubmission(ServiceClients clients, PasidOwnership pasids) {
        this.shards = clients.deviceShards();
        this.devices = clients.device();
        this.patientDevices = clients.of(RemoteService.DEVICE, DeviceApi.class, WAIT_TIMEOUT);
        this.pasids = pasids;
    }

    /** The PASID's io_mm ({@code pid}, devices) when it belongs to one of the caller's processes. */
    public IommuViews.Pasid requirePasidOwned(Caller caller, int pasid) {
        if (pasid < 0) {
            throw ErrnoException.invalid("pasid must be a non-negative integer");
        }
        return pasids.requireOwned(caller, pasid);
    }

    public ResponseEntity<DeviceViews.Job> submit(Caller caller, String dev, boolean wait, DeviceRequests.Job body) {
        return submit(caller, dev, wait, body, null);
    }

    /** The pid of the process the job's PASID is bound for (one call to iommu-service), or null. */
    public Long ownerOf(DeviceRequests.Job body) {
        return body == null || body.pasid() == null ? null : pasids.ownerPid(body.pasid());
    }

    /**
     * Submits with the PASID's owner named ({@code pid}, when known), so that the device's events
     * carry the pid. A caller may not name it: only the gateway knows whose PASID it is. Without a
     * pid nothing is looked up here (the workloads' hot path submits that way).
     */
    public ResponseEntity<DeviceViews.Job> submit(Caller caller, String dev, boolean wait, DeviceRequests.Job body, Long pid) {
        if (body == null) {
            throw ErrnoException.invalid("a job is a JSON object such as {\"op\":\"memset\",\"pasid\":1,\"dst\":\"0x...\",\"length\":4096,\"value\":0}");
        }
        if (body.pid() != null) {
            throw ErrnoException.invalid("unknown field 'pid': a job names its process by its pasid");
        }
        DeviceRequests.Job forwarded = new DeviceRequests.Job(body.op(), body.pasid(), body.src(), body.dst(), body.length(),
                body.value(), body.seed(), pid, body.timing());
        ResponseEntity<DeviceViews.Job> r = (wait ? patientDevices : devices).submit(dev, forwarded, wait, caller.uid());
        DeviceViews.Job job = r.getBody();
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(r.getStatusCode());
        if (r.getStatusCode().value() == HttpStatus.ACCEPTED.value() && job != null && job.jobId() != null) {
            answer.location(URI.create("/api/v1/jobs/" + job.jobId()));
        }
        return answer.body(job);
    }

    public DeviceViews.Job get(Caller caller, String jobId) {
        DeviceViews.Job job = devices.job(jobId);
        if (caller.isAdmin() || (job != null && mine(caller, job))) {
            return job;
        }
        throw new ErrnoException(Errno.ENOENT, "no-such-job", "no job " + jobId);
    }

    /**
     * The caller's jobs (admin: everyone's), newest last; without {@code page} the newest
     * {@code size}. Filters are checked by device-service (an unknown device or status is EINVAL).
     */
    public ResponseEntity<List<DeviceViews.Job>> list(Caller caller, String device, String status, Integer page, Integer size) {
        Paging.check(page, size);
        int s = size == null ? Paging.DEFAULT_SIZE : size;
        // Every shard's jobs merged in submission order (one shard: its page); a shard that does not answer is named.
        DeviceShardClients.Merged<DeviceViews.JobPage> merged = shards.jobs(blank(device), null, blank(status),
                caller.isAdmin() ? null : caller.uid(), page, s);
        DeviceViews.JobPage r = merged.value();
        long total = r == null ? 0 : r.total();
        int shown = r == null ? 0 : r.page();
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header(Headers.TOTAL_COUNT, String.valueOf(total));
        if (!merged.failures().isEmpty()) {
            ok.header(DeviceShardClients.UNAVAILABLE_HEADER, merged.unavailableHeader());
        }
        if ((long) (shown + 1) * s < total) {
            StringBuilder next = new StringBuilder("</api/v1/jobs?page=").append(shown + 1).append("&size=").append(s);
            if (blank(device) != null) {
                next.append("&device=").append(device);
            }
            if (blank(status) != null) {
                next.append("&status=").append(status);
            }
            ok.header("Link", next.append(">; rel=\"next\"").toString());
        }
        return ok.body(r == null || r.items() == null ? List.of() : r.items());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private boolean mine(Caller caller, DeviceViews.Job job) {
        if (job.uid() != null) {
            return job.uid() == caller.uid();
        }
        return job.pasid() != null && pasidVisible(caller, job.pasid());
    }

    private boolean pasidVisible(Caller caller, int pasid) {
        try {
            pasids.requireOwned(caller, pasid);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }
}
