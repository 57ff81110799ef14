package org.svafabric.api.iommu;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.annotation.PutExchange;
import org.svafabric.api.topology.DeviceDescription;

/** The devices behind the SMMU and the SVA bind API of the v1 series on them (one iommu_sva_* call per endpoint). */
public interface IommuDeviceApi {

    @GetExchange("/iommu/v1/devices")
    List<IommuViews.Device> devices();

    /** ENODEV for a device not behind the SMMU; EAGAIN while discovery runs. */
    @GetExchange("/iommu/v1/devices/{dev}")
    IommuViews.Device device(@PathVariable("dev") String dev);

    /** Hotplug: device-service forwards the description it accepted; 201. */
    @PostExchange("/iommu/v1/devices")
    ResponseEntity<IommuViews.Device> hotplug(@RequestBody DeviceDescription description);

    /** iommu_sva_device_init(dev, features, max_pasid). */
    @PostExchange("/iommu/v1/devices/{dev}/sva")
    IommuViews.SvaInitialised svaInit(@PathVariable("dev") String dev, @RequestBody(required = false) IommuRequests.SvaInit body);

    /** iommu_sva_device_shutdown(dev): unbinds every bond, then resets. */
    @DeleteExchange("/iommu/v1/devices/{dev}/sva")
    ResponseEntity<Void> svaShutdown(@PathVariable("dev") String dev);

    /** iommu_register_mm_exit_handler(dev, handler): the handler runs in device-service, registered there first. */
    @PutExchange("/iommu/v1/devices/{dev}/sva/mm-exit-handler")
    ResponseEntity<Void> registerMmExitHandler(@PathVariable("dev") String dev, @RequestBody IommuRequests.MmExitHandler body);

    /** iommu_sva_bind_device(dev, mm, &pasid, flags, drvdata); 201 with the PASID. */
    @PostExchange("/iommu/v1/devices/{dev}/sva/bonds")
    ResponseEntity<IommuViews.Bond> bind(@PathVariable("dev") String dev, @RequestBody IommuRequests.Bind body);

    @GetExchange("/iommu/v1/devices/{dev}/sva/bonds")
    List<BondView> bonds(@PathVariable("dev") String dev);

    /** iommu_sva_unbind_device(dev, pasid). */
    @DeleteExchange("/iommu/v1/devices/{dev}/sva/bonds/{pasid}")
    ResponseEntity<Void> unbind(@PathVariable("dev") String dev, @PathVariable("pasid") int pasid);
}
