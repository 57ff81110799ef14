package org.svafabric.gateway.jobs;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.sva.PasidOwnership;
import org.svafabric.gateway.web.Paging;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Submits jobs to device-service and answers who may see them; shared by the kernel and VFIO job
 * endpoints. device-service records the submitter's uid with each job, so ownership survives a
 * gateway restart; a job without one (submitted around the gateway) is attributed through its
 * PASID's process, and without a PASID it is the kernel's (admin only).
 */
@Component
public class JobSubmission {
    private static final Duration WAIT_TIMEOUT = Duration.ofMinutes(10);

    private final ServiceClients clients;
    private final PasidOwnership pasids;
    private final FabricProperties props;

    public JobSubmission(ServiceClients clients, PasidOwnership pasids, FabricProperties props) {
        this.clients = clients;
        this.props = props;
        this.pasids = pasids;
    }

    /** The PASID's io_mm ({@code pid}, devices) when it belongs to one of the caller's processes. */
    public JsonNode requirePasidOwned(Caller caller, JsonNode pasid) {
        if (!pasid.canConvertToInt() || pasid.asInt() < 0) {
            throw ErrnoException.invalid("pasid must be a non-negative integer");
        }
        return pasids.requireOwned(caller, pasid.asInt());
    }

    public ResponseEntity<JsonNode> submit(Caller caller, String dev, boolean wait, JsonNode body) {
        return submit(caller, dev, wait, body, null);
    }

    /** The pid of the process the job's PASID is bound for (one call to iommu-service), or null. */
    public Long ownerOf(JsonNode body) {
        JsonNode pasid = body == null ? null : body.get("pasid");
        return pasid != null && pasid.canConvertToInt() ? pasids.ownerPid(pasid.asInt()) : null;
    }

    /**
     * Submits with the PASID's owner named ({@code pid}, when known), so that the device's events
     * carry the pid. A caller may not name it: only the gateway knows whose PASID it is. Without a
     * pid nothing is looked up here (the workloads' hot path submits that way).
     */
    public ResponseEntity<JsonNode> submit(Caller caller, String dev, boolean wait, JsonNode body, Long pid) {
        if (!(body instanceof ObjectNode o)) {
            throw ErrnoException.invalid("a job is a JSON object such as {\"op\":\"memset\",\"pasid\":1,\"dst\":\"0x...\",\"length\":4096,\"value\":0}");
        }
        if (o.has("pid")) {
            throw ErrnoException.invalid("unknown field 'pid': a job names its process by its pasid");
        }
        ObjectNode forwarded = o.deepCopy();
        if (pid != null) {
            forwarded.put("pid", pid);
        }
        // ?wait=true holds the call until the job completes, page faults and stalls included.
        ResponseEntity<JsonNode> r = clients.forBaseUrl(props.services().device(), WAIT_TIMEOUT).post()
                .uri("/device/v1/devices/{dev}/jobs?wait={wait}&uid={uid}", dev, wait, caller.uid())
                .body(forwarded).retrieve().toEntity(JsonNode.class);
        JsonNode job = r.getBody();
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(r.getStatusCode());
        if (r.getStatusCode().value() == HttpStatus.ACCEPTED.value() && job != null && job.has("jobId")) {
            answer.location(URI.create("/api/v1/jobs/" + job.get("jobId").asString()));
        }
        return answer.body(job);
    }

    public JsonNode get(Caller caller, String jobId) {
        JsonNode job = clients.device().get().uri("/device/v1/jobs/{id}", jobId).retrieve().body(JsonNode.class);
        if (caller.isAdmin() || (job != null && mine(caller, job))) {
            return job;
        }
        throw new ErrnoException(Errno.ENOENT, "no-such-job", "no job " + jobId);
    }

    /**
     * The caller's jobs (admin: everyone's), newest last; without {@code page} the newest
     * {@code size}. Filters are checked by device-service (an unknown device or status is EINVAL).
     */
    public ResponseEntity<JsonNode> list(Caller caller, String device, String status, Integer page, Integer size) {
        Paging.check(page, size);
        int s = size == null ? Paging.DEFAULT_SIZE : size;
        JsonNode r = clients.device().get().uri(b -> {
            b.path("/device/v1/jobs").queryParam("size", s);
            if (page != null) {
                b.queryParam("page", page);
            }
            if (device != null && !device.isBlank()) {
                b.queryParam("device", device);
            }
            if (status != null && !status.isBlank()) {
                b.queryParam("status", status);
            }
            if (!caller.isAdmin()) {
                b.queryParam("uid", caller.uid());
            }
            return b.build();
        }).retrieve().body(JsonNode.class);
        long total = r == null ? 0 : r.path("total").asLong();
        int shown = r == null ? 0 : r.path("page").asInt();
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header("X-Total-Count", String.valueOf(total));
        if ((long) (shown + 1) * s < total) {
            StringBuilder next = new StringBuilder("</api/v1/jobs?page=").append(shown + 1).append("&size=").append(s);
            if (device != null && !device.isBlank()) {
                next.append("&device=").append(device);
            }
            if (status != null && !status.isBlank()) {
                next.append("&status=").append(status);
            }
            ok.header("Link", next.append(">; rel=\"next\"").toString());
        }
        return ok.body(r == null ? null : r.path("items"));
    }

    private boolean mine(Caller caller, JsonNode job) {
        if (job.hasNonNull("uid")) {
            return job.get("uid").asLong() == caller.uid();
        }
        return job.hasNonNull("pasid") && pasidVisible(caller, job.get("pasid").asInt());
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
