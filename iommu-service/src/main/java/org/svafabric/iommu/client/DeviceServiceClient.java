package org.svafabric.iommu.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.client.DeviceShardClients;
import org.svafabric.api.client.ShardedDeviceApi;

import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.api.json.Addr;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.core.port.UnrecoverableFault;
import org.svafabric.iommu.driver.EndpointControl;

/**
 * device-service as the IOMMU side reaches it: the device drivers' mm_exit handlers (the core's
 * {@link DeviceDriverPort}), the endpoints' PCIe capability control (the driver's {@link EndpointControl}),
 * and the device list iommu-service builds its StreamID map from. With several device-service shards each call goes
 * to the shard that serves its device, and the device list is every shard's.
 *
 */
public final class DeviceServiceClient implements DeviceDriverPort, EndpointControl {
    private static final Logger log = LoggerFactory.getLogger(DeviceServiceClient.class);

    private final DeviceApi device;
    /** The same, waiting long enough for an mm_exit handler that waits for the PASID's DMA to stop. */
    private final DeviceApi exits;
    /** device-service's shards when there are several ({@code device} routes each call by device); null: one. */
    private final DeviceShardClients shards;
    /** The shards whose devices the last listing could not take (they did not answer). */
    private final Set<Integer> missing = ConcurrentHashMap.newKeySet();

    /**
     * {@code device}: device-service's API ({@link org.svafabric.api.client.ServiceClients#device()}); with several
     * shards it routes each call to the shard that serves the device, and the device list gathers them all.
     * {@code exits}: the same with {@link DeviceApi#MM_EXIT_TIMEOUT} as its read timeout, for mm_exit.
     */
    public DeviceServiceClient(DeviceApi device, DeviceApi exits) {
        this.device = device;
        this.exits = exits;
        this.shards = device instanceof ShardedDeviceApi s ? s.shards() : null;
    }

    /**
     * Every device device-service has: with several shards, those of every shard that answers (a shard that does not
     * is remembered as missing, see {@link #retryMissing}); no shard answering is the first one's failure.
     */
    public List<DeviceViews.Device> devices() {
        if (shards == null) {
            return device.devices();
        }
        DeviceShardClients.Listing l = shards.devices();
        if (l.answered().isEmpty()) {
            throw l.failures().values().iterator().next();
        }
        missing.addAll(l.failures().keySet());
        missing.removeAll(l.answered());
        l.failures().forEach((k, e) -> log.warn("device-service shard {} did not answer the device list; its devices join "
                + "when it does: {}", k, e.getMessage()));
        return l.devices();
    }

    /** How many device-service shards there are. */
    public int shardCount() {
        return shards == null ? 1 : shards.count();
    }

    /** The shards a device list could not reach yet, ascending. */
    public List<Integer> missingShards() {
        return missing.stream().sorted().toList();
    }

    /**
     * The devices of the shards that were missing; those that answer now are no longer missing. Empty when none was
     * missing or none answers yet.
     */
    public List<DeviceViews.Device> retryMissing() {
        List<Integer> want = missingShards();
        if (shards == null || want.isEmpty()) {
            return List.of();
        }
        DeviceShardClients.Listing l = shards.devices(want);
        missing.removeAll(l.answered());
        return l.devices();
    }

    /** The devices of one shard (its own failure when it does not answer). */
    public List<DeviceViews.Device> devicesOf(int shard) {
        if (shards == null) {
            return device.devices();
        }
        DeviceShardClients.Listing l = shards.devices(List.of(shard));
        if (!l.failures().isEmpty()) {
            throw l.failures().values().iterator().next();
        }
        missing.remove(shard);
        return l.devices();
    }

    /** The shard that serves {@code deviceId} (0 with one shard). */
    public int shardOf(String deviceId) {
        return shards == null ? 0 : shards.shardOf(deviceId);
    }

    /** The shard a peer's boot-id name ("device-service-1") is, or -1 when it names none of this fabric's shards. */
    public int shardOfPeer(String service) {
        if (shards == null) {
            return BootId.DEVICE.equals(service) ? 0 : -1;
        }
        return shards.shardOfPeer(service);
    }

    @Override
    public int mmExit(Device d, int pasid, String drvdata) {
        DeviceViews.MmExitAck ack = exits.mmExit(d.id(), new DeviceRequests.MmExit(pasid));
        return ack == null ? -1 : ack.ret();
    }

    /** The driver's iommu_register_mm_exit_handler. */
    public void registerMmExitHandler(String deviceId, String policy) {
        device.registerMmExitHandler(deviceId, new DeviceRequests.MmExitHandler(policy));
    }

    @Override
    public void enable(Device d, boolean pasid, boolean pri, boolean ats, int outstandingPageRequests) {
        device.enable(d.id(), new DeviceRequests.PcieControl(pasid ? true : null, pri ? true : null, ats ? true : null,
                pri ? outstandingPageRequests : null));
    }

    @Override
    public void disable(Device d, boolean pasid, boolean pri, boolean ats) {
        device.disable(d.id(), new DeviceRequests.PcieControl(pasid ? true : null, pri ? true : null, ats ? true : null, null));
    }

    /** The device driver takes work for the PASID again. */
    @Override
    public void pasidRebound(Device d, int pasid) {
        device.release(d.id(), pasid);
    }

    @Override
    public void deviceFault(Device d, UnrecoverableFault f) {
        List<String> perm = new java.util.ArrayList<>(4);
        if (f.read()) {
            perm.add("read");
        }
        if (f.write()) {
            perm.add("write");
        }
        if (f.exec()) {
            perm.add("exec");
        }
        if (f.priv()) {
            perm.add("priv");
        }
        device.deviceFault(d.id(), new DeviceRequests.DeviceFault(f.reason().name(), f.event(), f.pasid(), Addr.of(f.addr()), perm));
    }
}
