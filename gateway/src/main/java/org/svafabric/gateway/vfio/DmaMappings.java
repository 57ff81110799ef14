package org.svafabric.gateway.vfio;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;

/**
 * VFIO type1's DMA mappings: MAP_DMA pins the process's pages (get_user_pages in mm-service) and maps IOVA -> PA
 * in the container's private domain (iommu-service); UNMAP_DMA unmaps whole mappings, and only after the IOTLB
 * and ATCs are invalidated (the domain's unmap answers then) are the pages unpinned. Callers hold the
 * container's lock.
 */
@Component
public class DmaMappings {
    private static final Logger log = LoggerFactory.getLogger(DmaMappings.class);
    static final long PAGE = 4096;
    /** The private domain's input range (a 48-bit IOVA space). */
    static final long IOVA_LIMIT = 1L << 48;

    private final MmApi mm;
    private final IommuApi iommu;
    private final VfioDmas dmas;

    @Autowired
    public DmaMappings(ServiceClients clients, VfioDmas dmas) {
        this(clients.mm(), clients.iommu(), dmas);
    }

    DmaMappings(MmApi mm, IommuApi iommu, VfioDmas dmas) {
        this.mm = mm;
        this.iommu = iommu;
        this.dmas = dmas;
    }

    /** VFIO_IOMMU_MAP_DMA into {@code domain}; EEXIST for an IOVA range that overlaps a mapping. */
    public void map(VfioContainer c, long domain, long vaddr, long iova, long size, Set<String> flags) {
        requireAligned(vaddr, iova, size);
        if (flags.isEmpty() || !Set.of("READ", "WRITE").containsAll(flags)) {
            throw new ErrnoException(Errno.EINVAL, "invalid-flags", "flags must be READ and/or WRITE");
        }
        for (VfioDma d : dmas.findByContainerIdOrderByIova(c.getId())) {
            if (d.overlaps(iova, size)) {
                throw new ErrnoException(Errno.EEXIST, "iova-in-use",
                        "IOVA range overlaps the mapping at " + Addr.hex(d.getIova()) + " (" + d.getSize() + " bytes)");
            }
        }
        boolean write = flags.contains("WRITE");
        MmViews.Pinned pinned = mm.pin(c.getPid(), new MmRequests.Pin(Addr.of(vaddr), size, write));
        try {
            iommu.map(domain, new IommuRequests.MapPages(Addr.of(iova), pinned.pages(), flags.contains("READ"), write));
        } catch (RuntimeException e) {
            unpin(c.getPid(), vaddr, size);
            throw e;
        }
        dmas.save(new VfioDma(c.getId(), iova, size, vaddr, flags.contains("READ"), write));
    }

    /**
     * VFIO_IOMMU_UNMAP_DMA, type1v2: unmaps every mapping inside [iova, iova + size); a range that would split a
     * mapping is refused (EINVAL). Returns the bytes unmapped.
     */
    public long unmap(VfioContainer c, long domain, long iova, long size) {
        requireAligned(0, iova, size);
        List<VfioDma> inside = new ArrayList<>();
        for (VfioDma d : dmas.findByContainerIdOrderByIova(c.getId())) {
            if (d.overlaps(iova, size)) {
                if (d.getIova() < iova || d.end() > iova + size) {
                    throw new ErrnoException(Errno.EINVAL, "partial-unmap", "the range would split the mapping at "
                            + Addr.hex(d.getIova()) + " (" + d.getSize() + " bytes); TYPE1v2 unmaps whole mappings");
                }
                inside.add(d);
            }
        }
        long unmapped = 0;
        for (VfioDma d : inside) {
            unmapOne(c, domain, d);
            unmapped += d.getSize();
        }
        return unmapped;
    }

    /** Every mapping of the container (close). */
    public void unmapAll(VfioContainer c, long domain) {
        for (VfioDma d : dmas.findByContainerIdOrderByIova(c.getId())) {
            unmapOne(c, domain, d);
        }
    }

    /** The invalidation completes inside the domain's unmap; only then may the pages move. */
    private void unmapOne(VfioContainer c, long domain, VfioDma d) {
        iommu.unmap(domain, new IommuRequests.Unmap(Addr.of(d.getIova()), d.getSize()));
        unpin(c.getPid(), d.getVaddr(), d.getSize());
        dmas.delete(d);
    }

    private void unpin(long pid, long vaddr, long size) {
        try {
            mm.unpin(pid, new MmRequests.Range(Addr.of(vaddr), size));
        } catch (ErrnoException e) {
            // The process may have exited meanwhile; its teardown released the pins.
            log.debug("unpin of pid {} [{}+{}] failed: {}", pid, Addr.hex(vaddr), size, e.getMessage());
        }
    }

    static void requireAligned(long vaddr, long iova, long size) {
        if (size <= 0 || size % PAGE != 0 || iova % PAGE != 0 || vaddr % PAGE != 0 || iova < 0 || vaddr < 0) {
            throw new ErrnoException(Errno.EINVAL, "unaligned", "vaddr, iova and size must be page-aligned (4 KiB) and size > 0");
        }
        if (iova + size < iova || iova + size > IOVA_LIMIT) {
            throw new ErrnoException(Errno.EINVAL, "iova-out-of-range", "the IOVA range exceeds the domain's 48-bit input range");
        }
    }
}
