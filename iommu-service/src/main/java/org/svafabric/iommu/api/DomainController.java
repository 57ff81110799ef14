package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuRequests;

import org.svafabric.api.iommu.IommuViews;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.IommuDomainApi;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.PrivateDomain;

/** Private domains for classical DMA (VFIO type1): create, attach, map, unmap, free. */
@RestController
public class DomainController implements IommuDomainApi {
    private final ArmSmmuV3 driver;
    private final DeviceCatalog catalog;

    public DomainController(ArmSmmuV3 driver, DeviceCatalog catalog) {
        this.driver = driver;
        this.catalog = catalog;
    }

    /** Creates the domain and attaches every listed device, all or nothing. */
    @Override
    public ResponseEntity<IommuViews.Domain> createDomain(IommuRequests.CreateDomain body) {
        List<String> devices = body == null || body.devices() == null ? List.of() : body.devices();
        devices.forEach(catalog::device);
        PrivateDomain d = driver.createDomain();
        List<String> attached = new ArrayList<>();
        try {
            for (String dev : devices) {
                driver.attachDomain(d, dev);
                attached.add(dev);
            }
        } catch (RuntimeException e) {
            attached.forEach(dev -> driver.detachDomain(d, dev));
            driver.freeDomain(d);
            throw e;
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(view(d));
    }

    @Override
    public List<IommuViews.Domain> domains() {
        return driver.domains().stream().map(this::view).toList();
    }

    @Override
    public IommuViews.Domain domain(long id) {
        return view(privateDomain(id));
    }

    @Override
    public ResponseEntity<Void> attach(long id, String dev) {
        catalog.device(dev);
        driver.attachDomain(privateDomain(id), dev);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> detach(long id, String dev) {
        catalog.device(dev);
        driver.detachDomain(privateDomain(id), dev);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> map(long id, IommuRequests.MapPages body) {
        if (body == null || body.iova() == null || body.pages() == null || body.pages().isEmpty()) {
            throw ErrnoException.invalid("iova and a non-empty pages list are required");
        }
        List<Long> pages = body.pages().stream().map(a -> {
            if (a == null) {
                throw ErrnoException.invalid("pages must not contain null");
            }
            return a.value();
        }).toList();
        driver.map(privateDomain(id), body.iova().value(), pages, Boolean.TRUE.equals(body.read()), Boolean.TRUE.equals(body.write()));
        return ResponseEntity.noContent().build();
    }

    @Override
    public IommuViews.Unmapped unmap(long id, IommuRequests.Unmap body) {
        if (body == null || body.iova() == null || body.size() == null) {
            throw ErrnoException.invalid("iova and size are required");
        }
        return new IommuViews.Unmapped(driver.unmap(privateDomain(id), body.iova().value(), body.size()));
    }

    /** Detaches whatever is still attached, then frees the domain. */
    @Override
    public ResponseEntity<Void> freeDomain(long id) {
        PrivateDomain d = privateDomain(id);
        d.deviceIds().forEach(dev -> driver.detachDomain(d, dev));
        driver.freeDomain(d);
        return ResponseEntity.noContent().build();
    }

    private PrivateDomain privateDomain(long id) {
        return driver.domain(id).orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no-such-domain", "no domain " + id));
    }

    private IommuViews.Domain view(PrivateDomain d) {
        return new IommuViews.Domain(d.id(), driver.asidOf(d), d.deviceIds());
    }
}
