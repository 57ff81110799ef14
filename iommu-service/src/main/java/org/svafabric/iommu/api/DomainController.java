package org.svafabric.iommu.api;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.PrivateDomain;

/** Private domains for classical DMA (VFIO type1): create, attach, map, unmap, free. */
@RestController
@RequestMapping("/iommu/v1/domains")
public class DomainController {
    private final ArmSmmuV3 driver;
    private final DeviceCatalog catalog;

    public DomainController(ArmSmmuV3 driver, DeviceCatalog catalog) {
        this.driver = driver;
        this.catalog = catalog;
    }

    /** Creates the domain and attaches every listed device, all or nothing. */
    @PostMapping
    public ResponseEntity<IommuViews.Domain> create(@RequestBody(required = false) IommuRequests.CreateDomain body) {
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

    @GetMapping
    public List<IommuViews.Domain> list() {
        return driver.domains().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    public IommuViews.Domain get(@PathVariable long id) {
        return view(domain(id));
    }

    @PostMapping("/{id}/devices/{dev}")
    public ResponseEntity<Void> attach(@PathVariable long id, @PathVariable String dev) {
        catalog.device(dev);
        driver.attachDomain(domain(id), dev);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}/devices/{dev}")
    public ResponseEntity<Void> detach(@PathVariable long id, @PathVariable String dev) {
        catalog.device(dev);
        driver.detachDomain(domain(id), dev);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/map")
    public ResponseEntity<Void> map(@PathVariable long id, @RequestBody IommuRequests.Map body) {
        if (body == null || body.iova() == null || body.pages() == null || body.pages().isEmpty()) {
            throw ErrnoException.invalid("iova and a non-empty pages list are required");
        }
        List<Long> pages = body.pages().stream().map(a -> {
            if (a == null) {
                throw ErrnoException.invalid("pages must not contain null");
            }
            return a.value();
        }).toList();
        driver.map(domain(id), body.iova().value(), pages, Boolean.TRUE.equals(body.read()), Boolean.TRUE.equals(body.write()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/unmap")
    public IommuViews.Unmapped unmap(@PathVariable long id, @RequestBody IommuRequests.Unmap body) {
        if (body == null || body.iova() == null || body.size() == null) {
            throw ErrnoException.invalid("iova and size are required");
        }
        return new IommuViews.Unmapped(driver.unmap(domain(id), body.iova().value(), body.size()));
    }

    /** Detaches whatever is still attached, then frees the domain. */
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        PrivateDomain d = domain(id);
        d.deviceIds().forEach(dev -> driver.detachDomain(d, dev));
        driver.freeDomain(d);
        return ResponseEntity.noContent().build();
    }

    private PrivateDomain domain(long id) {
        return driver.domain(id).orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no-such-domain", "no domain " + id));
    }

    private IommuViews.Domain view(PrivateDomain d) {
        return new IommuViews.Domain(d.id(), driver.asidOf(d), d.deviceIds());
    }
}
