package org.svafabric.iommu.core.sva;

/** The v1 SVA features a device driver asks for at iommu_sva_device_init and at bind (IOMMU_SVA_FEAT_*). */
public enum SvaFeature {
    /** The device tags its DMA with a PASID, so it can use several address spaces at once. */
    PASID,
    /** The device can wait for I/O page faults to be resolved (PCIe PRI, or an SMMU stall). */
    IOPF
}
