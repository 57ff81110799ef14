package org.svafabric.gateway.jobs;

import java.time.Duration;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.sva.PasidOwnership;

import tools.jackson.databind.JsonNode;

/** Submits jobs to device-service and answers who may see them; shared by the kernel and VFIO job endpoints. */
@Component
public class JobSubmission {
    private final ServiceClients clients;
    private final PasidOwnership pasids;
    private final JobOwners owners;
    private final FabricProperties props;
    private static final Duration WAIT_TIMEOUT = Duration.ofMinutes(10);

    public JobSubmission(ServiceClients clients, PasidOwnership pasids, JobOwners owners, FabricProperties props) {
        this.clients = clients;
        this.props = props;
        this.pasids = pasids;
        this.owners = owners;
    }

    public void requirePasidOwned(Caller caller, JsonNode pasid) {
        if (!pasid.canConvertToInt() || pasid.asInt() < 0) {
            throw ErrnoException.invalid("pasid must be a non-negative integer");
        }
        pasids.requireOwned(caller, pasid.asInt());
    }

    public ResponseEntity<JsonNode> submit(Caller caller, String dev, boolean wait, JsonNode body) {
        // ?wait=true holds the call until the job completes, page faults and stalls included.
        ResponseEntity<JsonNode> r = clients.forBaseUrl(props.services().device(), WAIT_TIMEOUT).post()
                .uri("/device/v1/devices/{dev}/jobs?wait={wait}", dev, wait)
                .body(body).retrieve().toEntity(JsonNode.class);
        JsonNode job = r.getBody();
        if (job != null && job.has("jobId")) {
            owners.remember(job.get("jobId").asString(), caller.uid());
        }
        return ResponseEntity.status(r.getStatusCode()).body(job);
    }

    public JsonNode get(Caller caller, String jobId) {
        JsonNode job = clients.device().get().uri("/device/v1/jobs/{id}", jobId).retrieve().body(JsonNode.class);
        if (caller.isAdmin()) {
            return job;
        }
        Long uid = owners.uidOf(jobId);
        boolean mine = uid != null ? uid == caller.uid()
                : job != null && job.hasNonNull("pasid") && pasidVisible(caller, job.get("pasid").asInt());
        if (!mine) {
            throw new ErrnoException(Errno.ENOENT, "no-such-job", "no job " + jobId);
        }
        return job;
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
