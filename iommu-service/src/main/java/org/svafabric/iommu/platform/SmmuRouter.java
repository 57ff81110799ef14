package org.svafabric.iommu.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.IommuDriverOps;
import org.svafabric.iommu.core.port.SvaSupport;

/**
 * The IOMMU core's one set of driver operations over several SMMUs: each call goes to the driver instance of the
 * SMMU the device sits behind, as Linux reaches a device's {@code arm_smmu_device} through its fwspec. An mm's
 * invalidation reaches every SMMU that has one of the listed devices, one after the other, each complete (CMD_SYNC
 * and the ATC invalidation completions) before the next starts, so the range is invalid everywhere when it returns.
 */
public final class SmmuRouter implements IommuDriverOps {
    private final SmmuUnits units;

    public SmmuRouter(SmmuUnits units) {
        this.units = units;
    }

    private IommuDriverOps driverOf(Device device) {
        return units.of(device.id()).driver();
    }

    @Override
    public Optional<SvaSupport> svaSupport(Device device) {
        return units.behind(device.id()).flatMap(u -> u.driver().svaSupport(device));
    }

    @Override
    public void enableSva(Device device, boolean iopf) {
        driverOf(device).enableSva(device, iopf);
    }

    @Override
    public void attach(Device device, int pasid, long pgd, int asid, boolean stall) {
        driverOf(device).attach(device, pasid, pgd, asid, stall);
    }

    @Override
    public void detach(Device device, int pasid, int asid) {
        driverOf(device).detach(device, pasid, asid);
    }

    @Override
    public void invalidateRange(List<Device> devices, int pasid, int asid, long start, long end, boolean btm) {
        Map<SmmuUnit, List<Device>> bySmmu = new LinkedHashMap<>();
        for (Device d : devices) {
            bySmmu.computeIfAbsent(units.of(d.id()), u -> new ArrayList<>()).add(d);
        }
        for (Map.Entry<SmmuUnit, List<Device>> e : bySmmu.entrySet()) {
            e.getKey().driver().invalidateRange(e.getValue(), pasid, asid, start, end, btm);
        }
    }

    @Override
    public void drainFaults(Device device) {
        driverOf(device).drainFaults(device);
    }

    @Override
    public void pageResponse(Device device, OptionalInt pasid, int prgIndex, PrgResponseCode code) {
        driverOf(device).pageResponse(device, pasid, prgIndex, code);
    }

    @Override
    public void resume(Device device, int stag, boolean retry) {
        driverOf(device).resume(device, stag, retry);
    }

    @Override
    public void resetDevice(Device device) {
        driverOf(device).resetDevice(device);
    }
}
