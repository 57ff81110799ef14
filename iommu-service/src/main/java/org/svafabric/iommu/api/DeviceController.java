package org.svafabric.iommu.api;

import java.util.Comparator;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.iommu.api.remote.DeviceServiceClient;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.sva.BondView;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaDeviceView;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.Master;

/** The devices behind the SMMU and the SVA bind API on them (v1's iommu_sva_* calls, one per endpoint). */
@RestController
@RequestMapping("/iommu/v1/devices")
public class DeviceController {
    private final ArmSmmuV3 driver;
    private final DeviceCatalog catalog;
    private final IommuSva sva;
    private final DeviceServiceClient deviceService;

    public DeviceController(ArmSmmuV3 driver, DeviceCatalog catalog, IommuSva sva, DeviceServiceClient deviceService) {
        this.driver = driver;
        this.catalog = catalog;
        this.sva = sva;
        this.deviceService = deviceService;
    }

    @GetMapping
    public List<IommuViews.Device> list() {
        return driver.masters().stream().sorted(Comparator.comparingInt(Master::sid)).map(this::view).toList();
    }

    @GetMapping("/{dev}")
    public IommuViews.Device get(@PathVariable String dev) {
        catalog.device(dev);
        return view(driver.master(dev).orElseThrow());
    }

    /** Hotplug (device-service forwards the description it accepted). */
    @PostMapping
    public ResponseEntity<IommuViews.Device> hotplug(@RequestBody DeviceDescription description) {
        if (description == null) {
            throw ErrnoException.invalid("a device description is required");
        }
        Device d = catalog.add(description);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(driver.master(d.id()).orElseThrow()));
    }

    @PostMapping("/{dev}/sva")
    public IommuViews.SvaInitialised init(@PathVariable String dev, @RequestBody(required = false) IommuRequests.SvaInit body) {
        IommuRequests.SvaInit req = body == null ? new IommuRequests.SvaInit(List.of(), 0) : body;
        SvaDeviceView v = sva.deviceInit(catalog.device(dev), SvaFeatures.parse(req.features()),
                req.maxPasid() == null ? 0 : req.maxPasid());
        return new IommuViews.SvaInitialised(v.minPasid(), v.maxPasid(), SvaFeatures.names(v.features()));
    }

    @DeleteMapping("/{dev}/sva")
    public ResponseEntity<Void> shutdown(@PathVariable String dev) {
        sva.deviceShutdown(catalog.device(dev));
        return ResponseEntity.noContent().build();
    }

    /** The handler itself runs in device-service: registered there, then with the core. */
    @PutMapping("/{dev}/sva/mm-exit-handler")
    public ResponseEntity<Void> mmExitHandler(@PathVariable String dev, @RequestBody IommuRequests.MmExitHandler body) {
        Device d = catalog.device(dev);
        if (body == null || body.policy() == null || body.policy().isBlank()) {
            throw ErrnoException.invalid("policy is required (stop-dma or ignore)");
        }
        deviceService.registerMmExitHandler(d.id(), body.policy());
        sva.registerMmExitHandler(d);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{dev}/sva/bonds")
    public ResponseEntity<IommuViews.Bond> bind(@PathVariable String dev, @RequestBody IommuRequests.Bind body) {
        if (body == null || body.pid() == null || body.pid() <= 0) {
            throw ErrnoException.invalid("pid is required and positive");
        }
        Device d = catalog.device(dev);
        String drvdata = body.drvdata() == null || body.drvdata().isNull() ? null : body.drvdata().toString();
        int pasid = sva.bind(d, body.pid(), SvaFeatures.parse(body.flags()), drvdata);
        return ResponseEntity.status(HttpStatus.CREATED).body(new IommuViews.Bond(pasid, body.pid(), d.id()));
    }

    @GetMapping("/{dev}/sva/bonds")
    public List<BondView> bonds(@PathVariable String dev) {
        catalog.device(dev);
        return sva.device(dev).map(SvaDeviceView::bonds).orElse(List.of());
    }

    @DeleteMapping("/{dev}/sva/bonds/{pasid}")
    public ResponseEntity<Void> unbind(@PathVariable String dev, @PathVariable int pasid) {
        sva.unbind(catalog.device(dev), pasid);
        return ResponseEntity.noContent().build();
    }

    private IommuViews.Device view(Master m) {
        Master.State s = m.state();
        IommuViews.SvaState state = sva.device(m.id())
                .map(v -> new IommuViews.SvaState(true, SvaFeatures.names(v.features()), v.minPasid(), v.maxPasid(), v.bonds()))
                .orElse(IommuViews.SvaState.DISABLED);
        return new IommuViews.Device(m.id(), m.sid(), m.description().type(),
                new IommuViews.Endpoint(s.pasid(), s.pri(), s.ats(), m.stallEnabled()), s.domain(), state);
    }
}
