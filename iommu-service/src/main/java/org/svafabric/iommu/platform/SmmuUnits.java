package org.svafabric.iommu.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.iopf.IopfQueue;
import org.svafabric.iommu.core.iopf.IopfQueues;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.driver.ArmSmmuV3;

/**
 * The SMMUs this iommu-service hosts, in the topology's order, and which one a device sits behind. Device ids are
 * global (the firmware names each endpoint once); StreamIDs are per SMMU, so a StreamID alone names a stream only
 * together with its SMMU.
 */
public final class SmmuUnits implements IopfQueues, AutoCloseable {
    private final Map<String, SmmuUnit> units = new LinkedHashMap<>();

    public SmmuUnits(List<SmmuUnit> units) {
        if (units.isEmpty()) {
            throw new IllegalArgumentException("an iommu-service hosts at least one SMMU");
        }
        units.forEach(u -> this.units.put(u.name(), u));
    }

    public List<SmmuUnit> all() {
        return List.copyOf(units.values());
    }

    public List<ArmSmmuV3> drivers() {
        return units.values().stream().map(SmmuUnit::driver).toList();
    }

    /** The SMMU named {@code name}; a caller that names none means the first (a one-SMMU machine's only one). */
    public SmmuUnit named(String name) {
        if (name == null || name.isBlank()) {
            return first();
        }
        SmmuUnit u = units.get(name);
        if (u == null) {
            throw new ErrnoException(Errno.ENODEV, "no-such-smmu", "no SMMU " + name + " here; the SMMUs are " + units.keySet());
        }
        return u;
    }

    public SmmuUnit first() {
        return units.values().iterator().next();
    }

    /** The SMMU whose driver has the device as a master. */
    public Optional<SmmuUnit> behind(String deviceId) {
        for (SmmuUnit u : units.values()) {
            if (u.driver().master(deviceId).isPresent()) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /** The same, or ENODEV. */
    public SmmuUnit of(String deviceId) {
        return behind(deviceId).orElseThrow(() -> new ErrnoException(Errno.ENODEV, "no-such-device",
                "no device " + deviceId + " behind any SMMU"));
    }

    /** The fault queue of the SMMU the device sits behind (the core's IOPF queues, one per SMMU). */
    @Override
    public IopfQueue queueOf(Device device) {
        return of(device.id()).iopfQueue();
    }

    /** Whether any SMMU takes the CPU's broadcast TLBIs (mm-service then sends them before invalidate_range). */
    public boolean anyBtmActive() {
        return units.values().stream().anyMatch(u -> u.driver().btmActive());
    }

    @Override
    public void close() {
        units.values().forEach(SmmuUnit::close);
    }
}
