package org.svafabric.api.device;

import java.time.Duration;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.annotation.PutExchange;
import org.svafabric.api.topology.DeviceDescription;

/** device-service's devices, hotplug, DMA job submission and the device drivers' mm_exit handlers. */
public interface DeviceDevicesApi {

    @GetExchange("/device/v1/devices")
    List<DeviceViews.Device> devices();

    /**
     * What GET /api/v1/fabric reads of this device-service (one shard), in one call: {@link #devices()} and the
     * faults armed here.
     */
    @GetExchange("/device/v1/fabric")
    DeviceViews.FabricPart fabric();

    /** ENODEV for an unknown device. */
    @GetExchange("/device/v1/devices/{id}")
    DeviceViews.Device device(@PathVariable("id") String id);

    /** 201: the device exists (and is behind the SMMU: device-service told iommu-service first). */
    @PostExchange("/device/v1/devices")
    ResponseEntity<DeviceViews.Device> hotplug(@RequestBody DeviceDescription description);

    /**
     * 202 with the job as queued and its Location; {@code wait}: 200 with its completion record once it is final.
     * {@code uid}: whom the gateway submits for (the job record keeps it).
     */
    @PostExchange("/device/v1/devices/{id}/jobs")
    ResponseEntity<DeviceViews.Job> submit(@PathVariable("id") String id, @RequestBody DeviceRequests.Job body,
                                           @RequestParam(name = "wait", defaultValue = "false") boolean wait,
                                           @RequestParam(name = "uid", required = false) Long uid);

    /** The driver's iommu_register_mm_exit_handler: {@code stop-dma} or {@code ignore}. */
    @PutExchange("/device/v1/devices/{id}/mm-exit-handler")
    ResponseEntity<Void> registerMmExitHandler(@PathVariable("id") String id, @RequestBody DeviceRequests.MmExitHandler body);

    /**
     * How long a caller waits for {@link #mmExit}: the stop-dma handler waits up to {@code device.stop-timeout} (30 s)
     * for the PASID's jobs and page requests, then sends its Stop Marker. Longer than that, so the answer is the
     * handler's; shorter than mm-service's release timeout (60 s), which waits for this call.
     */
    Duration MM_EXIT_TIMEOUT = Duration.ofSeconds(45);

    /** The bound mm of {@code pasid} is going away: the handler's return value. Call it with {@link #MM_EXIT_TIMEOUT}. */
    @PostExchange("/device/v1/devices/{id}/mm-exit")
    DeviceViews.MmExitAck mmExit(@PathVariable("id") String id, @RequestBody DeviceRequests.MmExit body);

    /**
     * iommu_report_device_fault of an unrecoverable fault (IOMMU_FAULT_DMA_UNRECOV) to the handler the device's
     * driver registered (iommu_register_device_fault_handler).
     */
    @PostExchange("/device/v1/devices/{id}/faults")
    ResponseEntity<Void> deviceFault(@PathVariable("id") String id, @RequestBody DeviceRequests.DeviceFault body);

    /** The exited PASID is released (its bond is gone): jobs for it are taken again. */
    @DeleteExchange("/device/v1/devices/{id}/mm-exit/{pasid}")
    ResponseEntity<Void> release(@PathVariable("id") String id, @PathVariable("pasid") int pasid);
}
