package org.svafabric.iommu.api;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.RootComplex;
import org.svafabric.api.topology.Topology;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;

/**
 * The devices behind the SMMUs, as firmware and hotplug describe them: each one accepted here becomes a master of
 * the driver of the SMMU it sits behind (StreamID map, STE, CD table). Devices come from device-service at start and
 * from hotplug afterwards; a description already known (same id, same SMMU, same StreamID) is accepted again without
 * change, so a late pull after a hotplug is harmless. Device ids are global across the SMMUs.
 */
public final class DeviceCatalog {
    private static final Logger log = LoggerFactory.getLogger(DeviceCatalog.class);

    private final SmmuUnits units;
    private final BiConsumer<SmmuUnit, Device> onAdded;
    private Topology topology;
    private volatile boolean discovered;

    /** @param onAdded told of every device once it is behind its SMMU (meters, fault handlers) */
    public DeviceCatalog(SmmuUnits units, Topology topology, BiConsumer<SmmuUnit, Device> onAdded) {
        this.units = units;
        this.onAdded = onAdded;
        this.topology = topology.withoutDevices();
    }

    /** Adds a device (EINVAL with every reason a description is refused; EEXIST for a conflicting one). */
    public synchronized Device add(DeviceDescription d) {
        String id = d.id() == null ? "" : d.id();
        String smmu = topology.smmuNameOf(d);
        Optional<SmmuUnit> at = units.behind(id);
        if (at.isPresent()) {
            Device known = at.get().driver().master(id).map(ArmSmmuV3::deviceOf).orElseThrow();
            if (known.sid() == d.streamId() && at.get().name().equals(smmu)) {
                return known;
            }
            throw new ErrnoException(Errno.EEXIST, "device-exists", "device " + d.id() + " is already at StreamID 0x"
                    + Integer.toHexString(known.sid()) + " behind " + at.get().name());
        }
        Topology next = topology.plus(d);
        SmmuUnit unit = units.named(smmu);
        // IORT: the root complex's ATS attribute is the fwspec's IOMMU_FWSPEC_PCI_RC_ATS.
        unit.driver().addMaster(d, next.rootComplexOf(d).map(RootComplex::ats).orElse(false));
        topology = next;
        log.info("device {} at StreamID 0x{} added behind {}", d.id(), Integer.toHexString(d.streamId()), unit.name());
        Device added = device(d.id());
        onAdded.accept(unit, added);
        return added;
    }

    /** The device, or ENODEV; EAGAIN while the device list has not been taken from device-service yet. */
    public Device device(String id) {
        return units.behind(id).flatMap(u -> u.driver().master(id)).map(ArmSmmuV3::deviceOf).orElseThrow(() -> discovered
                ? new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id + " behind the SMMU")
                : new ErrnoException(Errno.EAGAIN, "devices-not-discovered", "device discovery is in progress; no device "
                        + id + " behind the SMMU yet"));
    }

    /** The SMMU the device sits behind (ENODEV/EAGAIN as {@link #device}). */
    public SmmuUnit smmuOf(String id) {
        device(id);
        return units.of(id);
    }

    /** Every device device-service had at start is known (hotplug adds the later ones). */
    public boolean discovered() {
        return discovered;
    }

    public void markDiscovered() {
        discovered = true;
    }

    public synchronized List<DeviceDescription> descriptions() {
        return topology.devices();
    }
}
