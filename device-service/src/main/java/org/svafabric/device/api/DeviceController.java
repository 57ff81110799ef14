package org.svafabric.device.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceDevicesApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.json.Addr;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.device.DeviceSettings;
import org.svafabric.device.Devices;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.driver.MmExitPolicy;
import org.svafabric.device.engine.Job;
import org.svafabric.device.events.PasidOwners;
import org.svafabric.device.engine.JobSpec;


/** The devices, hotplug, DMA jobs and the driver's mm_exit handler. */
@RestController
public class DeviceController implements DeviceDevicesApi {
    private final Devices devices;
    private final DeviceSettings settings;
    private final PasidOwners owners;
    private final FaultInjector faults;

    public DeviceController(Devices devices, DeviceSettings settings, PasidOwners owners, FaultInjector faults) {
        this.devices = devices;
        this.settings = settings;
        this.owners = owners;
        this.faults = faults;
    }

    @Override
    public List<DeviceViews.Device> devices() {
        return devices.all().stream().map(d -> Views.device(d.device())).toList();
    }

    @Override
    public DeviceViews.FabricPart fabric() {
        return new DeviceViews.FabricPart(devices(), faults.list());
    }

    @Override
    public DeviceViews.Device device(String id) {
        return Views.device(devices.get(id).device());
    }

    @Override
    public ResponseEntity<DeviceViews.Device> hotplug(DeviceDescription d) {
        if (d == null) {
            throw ErrnoException.invalid("a device description is required");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(Views.device(devices.hotplug(d).device()));
    }

    @Override
    public ResponseEntity<DeviceViews.Job> submit(String id, DeviceRequests.Job body, boolean wait, Long uid) {
        DeviceDriver driver = devices.get(id);
        JobSpec spec = JobSpec.of(body.op(), body.pasid(), value(body.src()), value(body.dst()), body.length(), body.value(),
                body.seed(), settings.maxJobBytes());
        owners.learn(body.pasid(), body.pid());
        Job job = driver.submit(spec, uid, devices.timing().with(body.timing()));
        if (wait && awaitFinal(job, settings.waitTimeout())) {
            return ResponseEntity.ok(Views.job(job));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/device/v1/jobs/" + job.id())).body(Views.job(job));
    }

    private static Long value(Addr a) {
        return a == null ? null : a.value();
    }

    private static boolean awaitFinal(Job job, Duration timeout) {
        try {
            job.done().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public ResponseEntity<Void> registerMmExitHandler(String id, DeviceRequests.MmExitHandler body) {
        DeviceDriver driver = devices.get(id);
        MmExitPolicy p = MmExitPolicy.parse(body.policy());
        if (p == null) {
            throw ErrnoException.invalid("policy must be stop-dma or ignore");
        }
        driver.registerMmExitHandler(p);
        return ResponseEntity.noContent().build();
    }

    @Override
    public DeviceViews.MmExitAck mmExit(String id, DeviceRequests.MmExit body) {
        DeviceDriver driver = devices.get(id);
        return new DeviceViews.MmExitAck(driver.mmExit(Args.pasid(body.pasid())));
    }

    /** iommu_report_device_fault to the driver's handler: an unrecoverable fault of the device. */
    @Override
    public ResponseEntity<Void> deviceFault(String id, DeviceRequests.DeviceFault body) {
        DeviceDriver driver = devices.get(id);
        if (body == null || body.reason() == null || body.event() == null || body.addr() == null) {
            throw ErrnoException.invalid("reason, event and addr are required");
        }
        driver.deviceFault(new org.svafabric.device.engine.UnrecoverableFault(body.reason(), body.event(),
                Args.optionalPasid(body.pasid()), body.addr().value(), body.perm()));
        return ResponseEntity.noContent().build();
    }

    /** The exited PASID is released (its bond is gone): jobs for it are taken again. */
    @Override
    public ResponseEntity<Void> release(String id, int pasid) {
        devices.get(id).release(Args.pasid(pasid));
        owners.forget(pasid);
        return ResponseEntity.noContent().build();
    }
}
