package org.svafabric.device.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.device.DeviceSettings;
import org.svafabric.device.Devices;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.driver.MmExitPolicy;
import org.svafabric.device.engine.Job;
import org.svafabric.device.events.PasidOwners;
import org.svafabric.device.engine.JobSpec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The devices, hotplug, DMA jobs and the driver's mm_exit handler. */
@RestController
@RequestMapping("/device/v1/devices")
public class DeviceController {
    /** Descriptions are read as strictly as the topology file: an unknown field is a mistake, not something to ignore. */
    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Devices devices;
    private final DeviceSettings settings;
    private final PasidOwners owners;

    public DeviceController(Devices devices, DeviceSettings settings, PasidOwners owners) {
        this.devices = devices;
        this.settings = settings;
        this.owners = owners;
    }

    @GetMapping
    public List<DeviceViews.Device> list() {
        return devices.all().stream().map(d -> Views.device(d.device())).toList();
    }

    @GetMapping("/{id}")
    public DeviceViews.Device get(@PathVariable String id) {
        return Views.device(devices.get(id).device());
    }

    @PostMapping
    public ResponseEntity<DeviceViews.Device> hotplug(@RequestBody JsonNode body) {
        DeviceDescription d;
        try {
            d = STRICT.treeToValue(body, DeviceDescription.class);
        } catch (JacksonException e) {
            throw ErrnoException.invalid("not a device description: " + e.getOriginalMessage());
        }
        if (d == null) {
            throw ErrnoException.invalid("a device description is required");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(Views.device(devices.hotplug(d).device()));
    }

    @PostMapping("/{id}/jobs")
    public ResponseEntity<?> submit(@PathVariable String id, @RequestBody DeviceRequests.Job body,
                                    @RequestParam(defaultValue = "false") boolean wait, @RequestParam(required = false) Long uid) {
        DeviceDriver driver = devices.get(id);
        JobSpec spec = JobSpec.of(body.op(), body.pasid(), value(body.src()), value(body.dst()), body.length(), body.value(),
                body.seed(), settings.maxJobBytes());
        owners.learn(body.pasid(), body.pid());
        Job job = driver.submit(spec, uid, devices.timing().with(body.timing()));
        if (wait && awaitFinal(job, settings.waitTimeout())) {
            return ResponseEntity.ok(Views.job(job));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/device/v1/jobs/" + job.id()))
                .body(new DeviceViews.JobAccepted(job.id(), job.status().name()));
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

    @PutMapping("/{id}/mm-exit-handler")
    public ResponseEntity<Void> registerMmExitHandler(@PathVariable String id, @RequestBody DeviceRequests.MmExitHandler body) {
        DeviceDriver driver = devices.get(id);
        MmExitPolicy p = MmExitPolicy.parse(body.policy());
        if (p == null) {
            throw ErrnoException.invalid("policy must be stop-dma or ignore");
        }
        driver.registerMmExitHandler(p);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/mm-exit")
    public DeviceViews.MmExitAck mmExit(@PathVariable String id, @RequestBody DeviceRequests.MmExit body) {
        DeviceDriver driver = devices.get(id);
        return new DeviceViews.MmExitAck(driver.mmExit(Args.pasid(body.pasid())));
    }

    /** The exited PASID is released (its bond is gone): jobs for it are taken again. */
    @DeleteMapping("/{id}/mm-exit/{pasid}")
    public ResponseEntity<Void> release(@PathVariable String id, @PathVariable int pasid) {
        devices.get(id).release(Args.pasid(pasid));
        owners.forget(pasid);
        return ResponseEntity.noContent().build();
    }
}
