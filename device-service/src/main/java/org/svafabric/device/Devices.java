package org.svafabric.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.api.topology.Topology;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.firmware.HotplugJournal;
import org.svafabric.device.iommu.IommuPort;

/**
 * The devices of the fabric with their drivers: those of the topology, then those hot-plugged
 * earlier (from the journal), then hotplugs. A hotplug is validated against the whole topology
 * (ids, StreamIDs, the SMMU's capabilities), announced to the SMMU's driver in iommu-service,
 * and only then added: if iommu-service does not take it, the device does not appear.
 */
public final class Devices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Devices.class);

    private final DeviceShard shard;
    private final Function<DeviceDescription, DeviceDriver> probe;
    private final IommuPort iommu;
    private final HotplugJournal journal;
    private final Consumer<FabricEvent> events;
    /** Guarded by {@code this}; readers use {@link #drivers}. */
    private Topology topology;
    private final TimingTable timing;
    private volatile Map<String, DeviceDriver> drivers = Map.of();
    private volatile List<DeviceDriver> inOrder = List.of();

    public Devices(Topology topology, Function<DeviceDescription, DeviceDriver> probe, IommuPort iommu, HotplugJournal journal,
                   Consumer<FabricEvent> events) {
        this(topology, DeviceShard.ALL, probe, iommu, journal, events);
    }

    /**
     * Only the devices {@code shard} serves: those of the topology and the journal that another shard serves are
     * left to it, and a hotplug of one is refused (EINVAL, naming the shard that serves it).
     */
    public Devices(Topology topology, DeviceShard shard, Function<DeviceDescription, DeviceDriver> probe, IommuPort iommu,
                   HotplugJournal journal, Consumer<FabricEvent> events) {
        this.shard = shard;
        this.probe = probe;
        this.iommu = iommu;
        this.journal = journal;
        this.events = events;
        this.topology = topology.withoutDevices();
        this.timing = topology.timing().table();
        for (DeviceDescription d : topology.devices()) {
            if (shard.serves(d)) {
                add(d);
            }
        }
        for (DeviceDescription d : journal.all()) {
            if (!shard.serves(d)) {
                log.warn("hot-plugged device {} is served by another shard now ({} shards) and is left out here", d.id(), shard.shards());
                continue;
            }
            try {
                add(d);
            } catch (ErrnoException e) {
                log.warn("hot-plugged device {} no longer fits the topology and is left out: {}", d.id(), e.getMessage());
            }
        }
    }

    private synchronized DeviceDriver add(DeviceDescription d) {
        Topology next = topology.plus(d);
        DeviceDriver drv = probe.apply(d);
        drv.device().start();
        Map<String, DeviceDriver> m = new HashMap<>(drivers);
        m.put(d.id(), drv);
        List<DeviceDriver> l = new ArrayList<>(inOrder);
        l.add(drv);
        drivers = Map.copyOf(m);
        inOrder = List.copyOf(l);
        topology = next;
        return drv;
    }

    /** Hot-plugs a device: EINVAL with every reason it is refused, EIO when iommu-service does not take it. */
    public synchronized DeviceDriver hotplug(DeviceDescription d) {
        if (d != null && !shard.serves(d)) {
            throw shard.notMine(d);
        }
        topology.plus(d);
        try {
            iommu.hotplug(d);
        } catch (ErrnoException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ErrnoException(Errno.EIO, "iommu-hotplug-failed", "iommu-service did not take device " + d.id() + ": " + e.getMessage());
        }
        DeviceDriver drv = add(d);
        journal.plugged(d);
        events.accept(FabricEvent.of("HOTPLUG", d.id(), d.streamId(), null, null, null, d.type() + " device added"));
        return drv;
    }

    /** The part of the topology this instance serves. */
    public DeviceShard shard() {
        return shard;
    }

    /** Every device, in topology then plug order. */
    public List<DeviceDriver> all() {
        return inOrder;
    }

    public DeviceDriver get(String id) {
        DeviceDriver d = drivers.get(id);
        if (d == null) {
            throw new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id);
        }
        return d;
    }

    /** The topology's timing table: the prices of every job's model clock before its own overrides. */
    public TimingTable timing() {
        return timing;
    }

    public synchronized Topology topology() {
        return topology;
    }

    @Override
    public void close() {
        drivers.values().forEach(d -> d.device().close());
    }
}
