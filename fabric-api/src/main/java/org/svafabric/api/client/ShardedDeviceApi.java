package org.svafabric.api.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.springframework.http.ResponseEntity;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;

/**
 * device-service's {@link DeviceApi} over several shards ({@link DeviceShardClients}): a call about a device goes to
 * the shard that serves it (and fails as that shard's 503 when it does not answer), a hotplug to the shard
 * {@link org.svafabric.api.topology.DeviceShards#ownerOf} names, a job by id to the shard its id names; the device
 * list and the job listing gather every shard that answers (all shards failing: the first one's failure), the audit
 * every shard, and the timing table comes from the first shard that answers.
 */
public final class ShardedDeviceApi implements DeviceApi {
    private final DeviceShardClients shards;
    private final Duration readTimeout;
    /** Each shard's client, built once (the PCIe link's messages come through here). */
    private final DeviceApi[] byShard;

    ShardedDeviceApi(DeviceShardClients shards, Duration readTimeout) {
        this.shards = shards;
        this.readTimeout = readTimeout;
        this.byShard = new DeviceApi[shards.count()];
    }

    public DeviceShardClients shards() {
        return shards;
    }

    private DeviceApi shard(int k) {
        DeviceApi a = byShard[k];
        if (a == null) {
            a = shards.shard(k, DeviceApi.class, readTimeout);
            byShard[k] = a;
        }
        return a;
    }

    /** {@code call} on the shard that serves {@code device} (see {@link DeviceShardClients#unknownWhileUnavailable}). */
    private <R> R on(String device, Function<DeviceApi, R> call) {
        DeviceShardClients.Route r = shards.route(device);
        try {
            return call.apply(shard(r.shard()));
        } catch (ErrnoException e) {
            if (r.learned() || e.errno() != Errno.ENODEV) {
                throw e;
            }
            // Nobody had listed it and the hash was wrong: a device hot-plugged on another shard since the last
            // listing (this service did not carry its hotplug). Ask every shard now, once; ENODEV did nothing.
            shards.devices();
            Integer k = shards.learnedShard(device);
            if (k != null && k != r.shard()) {
                return call.apply(shard(k));
            }
            if (!shards.unavailable().isEmpty()) {
                throw shards.unknownWhileUnavailable(device, e);
            }
            throw e;
        }
    }

    @Override
    public List<DeviceViews.Device> devices() {
        DeviceShardClients.Listing l = shards.devices();
        if (l.noneAnswered()) {
            throw l.firstFailure();
        }
        return l.devices();
    }

    /** Every shard's part joined: their devices and their armed faults (a shard that fails fails it, as devices() does). */
    @Override
    public DeviceViews.FabricPart fabric() {
        DeviceShardClients.Parts p = shards.fabricParts();
        if (p.listing().noneAnswered()) {
            throw p.listing().firstFailure();
        }
        return new DeviceViews.FabricPart(p.listing().devices(), p.faults());
    }

    @Override
    public DeviceViews.Device device(String id) {
        return on(id, a -> a.device(id));
    }

    @Override
    public ResponseEntity<DeviceViews.Device> hotplug(DeviceDescription description) {
        int k = shards.shardOf(description);
        ResponseEntity<DeviceViews.Device> r = shard(k).hotplug(description);
        shards.learnOne(k, r.getBody());
        return r;
    }

    @Override
    public ResponseEntity<DeviceViews.Job> submit(String id, DeviceRequests.Job body, boolean wait, Long uid) {
        return on(id, a -> a.submit(id, body, wait, uid));
    }

    @Override
    public ResponseEntity<Void> registerMmExitHandler(String id, DeviceRequests.MmExitHandler body) {
        return on(id, a -> a.registerMmExitHandler(id, body));
    }

    @Override
    public DeviceViews.MmExitAck mmExit(String id, DeviceRequests.MmExit body) {
        return on(id, a -> a.mmExit(id, body));
    }

    @Override
    public ResponseEntity<Void> deviceFault(String id, DeviceRequests.DeviceFault body) {
        return on(id, a -> a.deviceFault(id, body));
    }

    @Override
    public ResponseEntity<Void> release(String id, int pasid) {
        return on(id, a -> a.release(id, pasid));
    }

    @Override
    public DeviceViews.Job job(String jobId) {
        return shards.job(jobId);
    }

    @Override
    public DeviceViews.JobPage jobs(String device, Integer pasid, String status, Long uid, Integer page, int size) {
        return shards.jobs(device, pasid, status, uid, page, size).value();
    }

    @Override
    public ResponseEntity<Void> enable(String id, DeviceRequests.PcieControl body) {
        return on(id, a -> a.enable(id, body));
    }

    @Override
    public ResponseEntity<Void> disable(String id, DeviceRequests.PcieControl body) {
        return on(id, a -> a.disable(id, body));
    }

    @Override
    public DeviceViews.AtcInvalidated atcInvalidate(String id, DeviceRequests.AtcInvalidation body) {
        return on(id, a -> a.atcInvalidate(id, body));
    }

    @Override
    public ResponseEntity<Void> prgResponse(String id, DeviceRequests.PrgResponse body) {
        return on(id, a -> a.prgResponse(id, body));
    }

    @Override
    public DeviceViews.Timing timing() {
        RuntimeException first = null;
        for (int k = 0; k < shards.count(); k++) {
            try {
                return shard(k).timing();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    @Override
    public AuditViews.Device audit() {
        return shards.audit();
    }

    @Override
    public String toString() {
        return "device-service over " + shards.count() + " shards";
    }
}
