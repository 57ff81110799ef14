package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuRequests;

import org.svafabric.api.iommu.IommuViews;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.IommuDomainApi;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.PrivateDomain;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;

/**
 * Private domains for classical DMA (VFIO type1): create, attach, map, unmap, free. A domain belongs to the SMMU
 * it was created on (its io-pgtable, ASID and CDs are that driver instance's): a device behind another SMMU cannot
 * join it, as arm_smmu_attach_dev refuses a domain of another SMMU with -EINVAL.
 */
@RestController
public class DomainController implements IommuDomainApi {
    private final SmmuUnits units;
    private final DeviceCatalog catalog;

    public DomainController(SmmuUnits units, DeviceCatalog catalog) {
        this.units = units;
        this.catalog = catalog;
    }

    /** Creates the domain on the devices' SMMU and attaches every listed device, all or nothing. */
    @Override
    public ResponseEntity<IommuViews.Domain> createDomain(IommuRequests.CreateDomain body) {
        List<String> devices = body == null || body.devices() == null ? List.of() : body.devices();
        Set<String> smmus = new LinkedHashSet<>();
        devices.forEach(dev -> smmus.add(catalog.smmuOf(dev).name()));
        if (smmus.size() > 1) {
            throw ErrnoException.invalid("a domain belongs to one SMMU; the devices " + devices + " sit behind " + smmus);
        }
        ArmSmmuV3 driver = units.named(smmus.isEmpty() ? null : smmus.iterator().next()).driver();
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
        return ResponseEntity.status(HttpStatus.CREATED).body(view(driver, d));
    }

    @Override
    public List<IommuViews.Domain> domains() {
        List<IommuViews.Domain> all = new ArrayList<>();
        for (SmmuUnit u : units.all()) {
            u.driver().domains().forEach(d -> all.add(view(u.driver(), d)));
        }
        all.sort(Comparator.comparingLong(IommuViews.Domain::id));
        return all;
    }

    @Override
    public IommuViews.Domain domain(long id) {
        SmmuUnit u = ownerOf(id);
        return view(u.driver(), privateDomain(u, id));
    }

    @Override
    public ResponseEntity<Void> attach(long id, String dev) {
        SmmuUnit u = ownerOf(id);
        SmmuUnit behind = catalog.smmuOf(dev);
        if (behind != u) {
            throw ErrnoException.invalid("domain " + id + " belongs to " + u.name() + "; device " + dev + " sits behind "
                    + behind.name());
        }
        u.driver().attachDomain(privateDomain(u, id), dev);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> detach(long id, String dev) {
        catalog.device(dev);
        SmmuUnit u = ownerOf(id);
        u.driver().detachDomain(privateDomain(u, id), dev);
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
        SmmuUnit u = ownerOf(id);
        u.driver().map(privateDomain(u, id), body.iova().value(), pages, Boolean.TRUE.equals(body.read()),
                Boolean.TRUE.equals(body.write()));
        return ResponseEntity.noContent().build();
    }

    @Override
    public IommuViews.Unmapped unmap(long id, IommuRequests.Unmap body) {
        if (body == null || body.iova() == null || body.size() == null) {
            throw ErrnoException.invalid("iova and size are required");
        }
        SmmuUnit u = ownerOf(id);
        return new IommuViews.Unmapped(u.driver().unmap(privateDomain(u, id), body.iova().value(), body.size()));
    }

    /** Detaches whatever is still attached, then frees the domain. */
    @Override
    public ResponseEntity<Void> freeDomain(long id) {
        SmmuUnit u = ownerOf(id);
        PrivateDomain d = privateDomain(u, id);
        d.deviceIds().forEach(dev -> u.driver().detachDomain(d, dev));
        u.driver().freeDomain(d);
        return ResponseEntity.noContent().build();
    }

    private SmmuUnit ownerOf(long id) {
        return units.all().stream().filter(u -> u.driver().domain(id).isPresent()).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no-such-domain", "no domain " + id));
    }

    private static PrivateDomain privateDomain(SmmuUnit u, long id) {
        return u.driver().domain(id).orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no-such-domain", "no domain " + id));
    }

    private static IommuViews.Domain view(ArmSmmuV3 driver, PrivateDomain d) {
        return new IommuViews.Domain(d.id(), driver.asidOf(d), d.deviceIds());
    }
}
