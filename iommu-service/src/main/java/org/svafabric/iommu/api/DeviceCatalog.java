package org.svafabric.iommu.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.RootComplex;
import org.svafabric.api.topology.Topology;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.driver.ArmSmmuV3;

/**
 * The devices behind the SMMU, as firmware and hotplug describe them: each one accepted here becomes a
 * master of the driver (StreamID map, STE, CD table). Devices come from device-service at start and from
 * hotplug afterwards; a description already known (same id, same StreamID) is accepted again without
 * change, so a late pull after a hotplug is harmless.
 */
public final class DeviceCatalog {
    private static final Logger log = LoggerFactory.getLogger(DeviceCatalog.class);

    private final ArmSmmuV3 driver;
    private final Consumer<Device> onAdded;
    private Topology topology;
    private volatile boolean discovered;

    /** @param onAdded told of every device once it is behind the SMMU (meters) */
    public DeviceCatalog(ArmSmmuV3 driver, Topology topology, Consumer<Device> onAdded) {
        this.driver = driver;
        this.onAdded = onAdded;
        this.topology = topology.withoutDevices();
    }

    /** Adds a device (EINVAL with every reason a description is refused; EEXIST for a conflicting one). */
    public synchronized Device add(DeviceDescription d) {
        Optional<Device> known = driver.master(d.id() == null ? "" : d.id()).map(ArmSmmuV3::deviceOf);
        if (known.isPresent()) {
            if (known.get().sid() == d.streamId()) {
                return known.get();
            }
            throw new ErrnoException(Errno.EEXIST, "device-exists", "device " + d.id() + " is already at StreamID 0x"
                    + Integer.toHexString(known.get().sid()));
        }
        Topology next = topology.plus(d);
        // IORT: the root complex's ATS attribute is the fwspec's IOMMU_FWSPEC_PCI_RC_ATS.
        driver.addMaster(d, next.rootComplexOf(d).map(RootComplex::ats).orElse(false));
        topology = next;
        log.info("device {} at StreamID 0x{} added behind the SMMU", d.id(), Integer.toHexString(d.streamId()));
        Device added = device(d.id());
        onAdded.accept(added);
        return added;
    }

    /** The device, or ENODEV; EAGAIN while the device list has not been taken from device-service yet. */
    public Device device(String id) {
        return driver.master(id).map(ArmSmmuV3::deviceOf).orElseThrow(() -> discovered
                ? new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id + " behind the SMMU")
                : new ErrnoException(Errno.EAGAIN, "devices-not-discovered", "device discovery is in progress; no device "
                        + id + " behind the SMMU yet"));
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
