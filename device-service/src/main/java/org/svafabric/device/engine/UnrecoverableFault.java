package org.svafabric.device.engine;

import java.util.List;

/**
 * An unrecoverable fault the IOMMU reported to the driver's fault handler (iommu_fault_event of type
 * IOMMU_FAULT_DMA_UNRECOV): the iommu_fault_reason, the SMMU event it came from, the transaction's PASID
 * (null without one), address and requested permissions.
 */
public record UnrecoverableFault(String reason, String event, Integer pasid, long addr, List<String> perm) {
    public UnrecoverableFault {
        perm = perm == null ? List.of() : List.copyOf(perm);
    }
}
