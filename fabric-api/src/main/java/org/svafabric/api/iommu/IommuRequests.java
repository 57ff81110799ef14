package org.svafabric.api.iommu;

import java.util.List;

import org.svafabric.api.json.Addr;

/** Request bodies of iommu-service's internal API; boxed fields so a missing one is refused, not read as zero. */
public final class IommuRequests {
    private IommuRequests() {
    }

    /** POST .../sva: iommu_sva_device_init. */
    public record SvaInit(List<String> features, Integer maxPasid) {
    }

    /** PUT .../sva/mm-exit-handler. */
    public record MmExitHandler(String policy) {
    }

    /** POST .../sva/bonds: iommu_sva_bind_device; {@code drvdata} is the driver's opaque cookie, handed back to its mm_exit handler. */
    public record Bind(Long pid, List<String> flags, String drvdata) {
    }

    /** POST /iommu/v1/domains. */
    public record CreateDomain(List<String> devices) {
    }

    /** POST .../map: consecutive pages from {@code iova}. */
    public record MapPages(Addr iova, List<Addr> pages, Boolean read, Boolean write) {
    }

    /** POST .../unmap. */
    public record Unmap(Addr iova, Long size) {
    }
}
