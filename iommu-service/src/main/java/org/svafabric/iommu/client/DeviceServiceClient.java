package org.svafabric.iommu.client;

import java.util.List;

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
 * and the device list iommu-service builds its StreamID map from.
 *
 */
public final class DeviceServiceClient implements DeviceDriverPort, EndpointControl {
    private final DeviceApi device;

    public DeviceServiceClient(DeviceApi device) {
        this.device = device;
    }

    /** Every device device-service has. */
    public List<DeviceViews.Device> devices() {
        return device.devices();
    }

    @Override
    public int mmExit(Device d, int pasid, String drvdata) {
        DeviceViews.MmExitAck ack = device.mmExit(d.id(), new DeviceRequests.MmExit(pasid));
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
