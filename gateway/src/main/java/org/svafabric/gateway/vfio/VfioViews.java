package org.svafabric.gateway.vfio;

import java.util.List;

import org.svafabric.api.json.Addr;

import io.swagger.v3.oas.annotations.media.Schema;

/** What the VFIO endpoint answers. */
public final class VfioViews {
    private VfioViews() {
    }

    /** 201 answer to open(): the container and the process that opened it. */
    public record Opened(@Schema(example = "1") long id, @Schema(example = "12") long pid) {
    }

    /** A container: its groups and their devices, the IOMMU type once set, the DMA mappings and the binds. */
    public record Container(@Schema(example = "1") long id, @Schema(example = "12") long pid, @Schema(example = "1000") long uid,
                            @Schema(example = "TYPE1v2", nullable = true) String iommu, List<Integer> groups, List<String> devices,
                            List<Mapping> dma, List<Bind> binds) {
    }

    /** One VFIO_IOMMU_MAP_DMA mapping. */
    public record Mapping(@Schema(example = "0x100000") Addr iova, @Schema(example = "65536") long size,
                          @Schema(example = "0x7f0000000000") Addr vaddr) {
    }

    /** One process bound with BIND_PROCESS, at its PASID. */
    public record Bind(@Schema(example = "12") long pid, @Schema(example = "1") int pasid) {
    }

    /** An IOMMU group: its devices and the container it is set in (null: none). */
    public record Group(@Schema(example = "256") int id, List<String> devices, boolean viable,
                        @Schema(nullable = true, example = "1") Long container) {
    }

    /** VFIO_IOMMU_UNMAP_DMA's answer: the bytes unmapped. */
    public record Unmapped(@Schema(example = "65536") long size) {
    }

    /** VFIO_IOMMU_BIND's answer. */
    public record Bound(@Schema(example = "1") int pasid) {
    }
}
