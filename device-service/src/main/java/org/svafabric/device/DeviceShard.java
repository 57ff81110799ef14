package org.svafabric.device;

import org.svafabric.api.boot.BootId;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.DeviceShards;

/**
 * Which part of the topology this device-service serves: shard {@code shard} of {@code shards} serves the devices
 * {@link DeviceShards#ownerOf} gives it, of the topology and of hotplugs alike (one shard: every device).
 */
public record DeviceShard(int shard, int shards) {
    public static final DeviceShard ALL = new DeviceShard(0, 1);

    public DeviceShard {
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards);
        }
    }

    public boolean serves(DeviceDescription d) {
        return shards == 1 || DeviceShards.ownerOf(d, shards) == shard;
    }

    /** Its name as a peer ({@link BootId#deviceShard}): "device-service", or "device-service-1" of several. */
    public String peerName() {
        return BootId.deviceShard(shard, shards);
    }

    /** The prefix of this shard's job ids: "j-" alone, "j1-" for shard 1 of several (ids unique across shards). */
    public String jobPrefix() {
        return shards == 1 ? "j-" : "j" + shard + "-";
    }

    /** EINVAL naming the shard that serves {@code d}: a hotplug sent to the wrong shard. */
    public ErrnoException notMine(DeviceDescription d) {
        int owner = DeviceShards.ownerOf(d, shards);
        return new ErrnoException(Errno.EINVAL, "wrong-device-shard", "device " + d.id() + " is served by device-service shard "
                + owner + " of " + shards + " (" + BootId.deviceShard(owner, shards) + "), not by shard " + shard
                + ": hot-plug it there (the gateway routes POST /api/v1/devices to it)");
    }

    @Override
    public String toString() {
        return "shard " + shard + " of " + shards;
    }
}
