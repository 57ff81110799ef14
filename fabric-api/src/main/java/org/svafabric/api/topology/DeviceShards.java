package org.svafabric.api.topology;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which device-service instance (shard) serves a device, when several share the topology. A device that names its
 * {@code shard} is served by that one (modulo the number of shards, so a topology written for three shards still
 * runs on one); any other by a hash of its slot: the id without a PCI function number, so the functions of one
 * multi-function device (one IOMMU group without ACS) stay on one shard. Every service computes the same answer from
 * the description alone: device-service to pick its devices, the gateway to route a hotplug.
 */
public final class DeviceShards {

    private DeviceShards() {
    }

    /** The shard, {@code 0 <= shard < shards}, that serves {@code d}. */
    public static int ownerOf(DeviceDescription d, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1");
        }
        if (d.shard() != null) {
            return Math.floorMod(d.shard(), shards);
        }
        return ownerOfId(d.id() == null ? "" : d.id(), shards);
    }

    /** The shard of a device that names none, from its id alone. */
    public static int ownerOfId(String id, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1");
        }
        String slot = id.matches(".*:[0-9a-fA-F]{2}\\.[0-7]") ? id.substring(0, id.length() - 2) : id;
        CRC32 crc = new CRC32();
        crc.update(slot.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }
}
