package org.svafabric.iommu.api.remote;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.driver.EndpointControl;

/**
 * device-service as the IOMMU side reaches it: the device drivers' mm_exit handlers and bind results (the
 * core's {@link DeviceDriverPort}), the endpoints' PCIe capability control (the driver's
 * {@link EndpointControl}), and the device list iommu-service builds its StreamID map from.
 */
public final class DeviceServiceClient implements DeviceDriverPort, EndpointControl {
    private final RestClient device;

    public DeviceServiceClient(RestClient device) {
        this.device = device;
    }

    /** GET /device/v1/devices. */
    public List<DeviceViews.Device> devices() {
        return call(() -> device.get().uri("/device/v1/devices").retrieve()
                .body(new ParameterizedTypeReference<List<DeviceViews.Device>>() { }));
    }

    @Override
    public int mmExit(Device d, int pasid, String drvdata) {
        DeviceViews.MmExitAck ack = call(() -> device.post().uri("/device/v1/devices/{id}/mm-exit", d.id())
                .body(new DeviceRequests.MmExit(pasid)).retrieve().body(DeviceViews.MmExitAck.class));
        return ack == null ? -1 : ack.ret();
    }

    /** PUT .../mm-exit-handler: the driver's iommu_register_mm_exit_handler. */
    public void registerMmExitHandler(String deviceId, String policy) {
        call(() -> device.put().uri("/device/v1/devices/{id}/mm-exit-handler", deviceId)
                .body(new DeviceRequests.MmExitHandler(policy)).retrieve().toBodilessEntity());
    }

    @Override
    public void enable(Device d, boolean pasid, boolean pri, boolean ats, int outstandingPageRequests) {
        DeviceRequests.PcieControl body = new DeviceRequests.PcieControl(pasid ? true : null, pri ? true : null,
                ats ? true : null, pri ? outstandingPageRequests : null);
        call(() -> device.post().uri("/device/v1/devices/{id}/pcie/enable", d.id()).body(body).retrieve().toBodilessEntity());
    }

    @Override
    public void disable(Device d, boolean pasid, boolean pri, boolean ats) {
        DeviceRequests.PcieControl body = new DeviceRequests.PcieControl(pasid ? true : null, pri ? true : null,
                ats ? true : null, null);
        call(() -> device.post().uri("/device/v1/devices/{id}/pcie/disable", d.id()).body(body).retrieve().toBodilessEntity());
    }

    /** DELETE .../mm-exit/{pasid}: the device driver takes work for the PASID again. */
    @Override
    public void pasidRebound(Device d, int pasid) {
        call(() -> device.delete().uri("/device/v1/devices/{id}/mm-exit/{pasid}", d.id(), pasid).retrieve().toBodilessEntity());
    }

    private static <T> T call(Supplier<T> c) {
        try {
            return c.get();
        } catch (RuntimeException e) {
            throw ServiceClients.translate(e);
        }
    }
}
