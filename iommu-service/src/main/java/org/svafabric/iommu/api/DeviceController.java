package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuRequests;

import org.svafabric.api.iommu.IommuViews;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.IommuDeviceApi;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.api.iommu.BondView;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaDeviceView;
import org.svafabric.iommu.driver.Master;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;

/** The devices behind the SMMUs and the SVA bind API on them (v1's iommu_sva_* calls, one per endpoint). */
@RestController
public class DeviceController implements IommuDeviceApi {
    private final SmmuUnits units;
    private final DeviceCatalog catalog;
    private final IommuSva sva;
    private final DeviceServiceClient deviceService;

    public DeviceController(SmmuUnits units, DeviceCatalog catalog, IommuSva sva, DeviceServiceClient deviceService) {
        this.units = units;
        this.catalog = catalog;
        this.sva = sva;
        this.deviceService = deviceService;
    }

    @Override
    public List<IommuViews.Device> devices() {
        List<IommuViews.Device> all = new ArrayList<>();
        for (SmmuUnit u : units.all()) {
            u.driver().masters().stream().sorted(Comparator.comparingInt(Master::sid)).map(m -> view(u, m)).forEach(all::add);
        }
        return all;
    }

    @Override
    public IommuViews.Device device(String dev) {
        return view(catalog.smmuOf(dev), dev);
    }

    /** Hotplug (device-service forwards the description it accepted). */
    @Override
    public ResponseEntity<IommuViews.Device> hotplug(DeviceDescription description) {
        if (description == null) {
            throw ErrnoException.invalid("a device description is required");
        }
        Device d = catalog.add(description);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(catalog.smmuOf(d.id()), d.id()));
    }

    @Override
    public IommuViews.SvaInitialised svaInit(String dev, IommuRequests.SvaInit body) {
        IommuRequests.SvaInit req = body == null ? new IommuRequests.SvaInit(List.of(), 0) : body;
        SvaDeviceView v = sva.deviceInit(catalog.device(dev), SvaFeatures.parse(req.features()),
                req.maxPasid() == null ? 0 : req.maxPasid());
        return new IommuViews.SvaInitialised(v.minPasid(), v.maxPasid(), SvaFeatures.names(v.features()));
    }

    @Override
    public ResponseEntity<Void> svaShutdown(String dev) {
        sva.deviceShutdown(catalog.device(dev));
        return ResponseEntity.noContent().build();
    }

    /** The handler itself runs in device-service: registered there, then with the core. */
    @Override
    public ResponseEntity<Void> registerMmExitHandler(String dev, IommuRequests.MmExitHandler body) {
        Device d = catalog.device(dev);
        if (body == null || body.policy() == null || body.policy().isBlank()) {
            throw ErrnoException.invalid("policy is required (stop-dma or ignore)");
        }
        deviceService.registerMmExitHandler(d.id(), body.policy());
        sva.registerMmExitHandler(d);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<IommuViews.Bond> bind(String dev, IommuRequests.Bind body) {
        if (body == null || body.pid() == null || body.pid() <= 0) {
            throw ErrnoException.invalid("pid is required and positive");
        }
        Device d = catalog.device(dev);
        String drvdata = body.drvdata();
        int pasid = sva.bind(d, body.pid(), SvaFeatures.parse(body.flags()), drvdata);
        return ResponseEntity.status(HttpStatus.CREATED).body(new IommuViews.Bond(pasid, body.pid(), d.id()));
    }

    @Override
    public List<BondView> bonds(String dev) {
        catalog.device(dev);
        return sva.device(dev).map(SvaDeviceView::bonds).orElse(List.of());
    }

    @Override
    public ResponseEntity<Void> unbind(String dev, int pasid) {
        sva.unbind(catalog.device(dev), pasid);
        return ResponseEntity.noContent().build();
    }

    private IommuViews.Device view(SmmuUnit unit, String dev) {
        return view(unit, unit.driver().master(dev).orElseThrow());
    }

    private IommuViews.Device view(SmmuUnit unit, Master m) {
        Master.State s = m.state();
        IommuViews.SvaState state = sva.device(m.id())
                .map(v -> new IommuViews.SvaState(true, SvaFeatures.names(v.features()), v.minPasid(), v.maxPasid(), v.bonds()))
                .orElse(IommuViews.SvaState.DISABLED);
        return new IommuViews.Device(m.id(), m.sid(), m.description().type(),
                new IommuViews.Endpoint(s.pasid(), s.pri(), s.ats(), m.stallEnabled()), s.domain(), state, unit.name());
    }
}
