package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuViews;

import org.svafabric.iommu.core.port.MmPort;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.IommuSvaApi;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.BondView;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.api.iommu.PasidView;

/** GET /iommu/v1/sva/pasids/{pasid}: iommu_sva_find, with the devices bound at that PASID. */
@RestController
public class SvaController implements IommuSvaApi {
    private final IommuSva sva;
    private final MmPort mm;

    public SvaController(IommuSva sva, MmPort mm) {
        this.sva = sva;
        this.mm = mm;
    }

    /**
     * iommu_sva_find for callers outside the fault path (device drivers, the gateway). The mm
     * starts exiting in mm-service a moment before its release reaches the core, so this also
     * asks mm-service: a process that is no longer running has no live address space here either.
     */
    @Override
    public IommuViews.Pasid find(int pasid) {
        long pid = sva.find(pasid).orElseThrow(() -> notFound(pasid));
        if (mm.process(pid).map(p -> !p.isRunning()).orElse(true)) {
            throw notFound(pasid);
        }
        var devices = sva.pasid(pasid).map(v -> v.bonds().stream().map(BondView::device).distinct().toList())
                .orElseThrow(() -> notFound(pasid));
        return new IommuViews.Pasid(pasid, pid, devices);
    }

    /**
     * Who holds an allocated PASID, whatever the state of its io_mm (CREATING, LIVE, EXITING): an unbind that
     * arrives while the process exits waits for the exit and succeeds, and its caller must be able to tell
     * whose PASID it was. 404 once the PASID is free, which in v1 is as soon as the exit is done.
     */
    @Override
    public PasidView holder(int pasid) {
        return sva.pasid(pasid).orElseThrow(() -> new ErrnoException(Errno.ESRCH, "no-such-pasid", "PASID " + pasid + " is not allocated"));
    }

    private static ErrnoException notFound(int pasid) {
        return new ErrnoException(Errno.ESRCH, "no-such-pasid", "no live address space is bound at PASID " + pasid);
    }
}
