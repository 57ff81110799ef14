package org.svafabric.iommu.core.port;

import java.util.Objects;

/**
 * An unrecoverable fault of a device (Jacob Pan's struct iommu_fault_event with type IOMMU_FAULT_DMA_UNRECOV): a
 * transaction the IOMMU terminated, reported so the device's driver can see it. Nothing answers it.
 *
 * @param reason the iommu_fault_reason the SMMU event maps to
 * @param event  the SMMU event record it came from (F_TRANSLATION, C_BAD_SUBSTREAMID, ...)
 * @param pasid  the PASID of the transaction, null without one
 * @param addr   the faulting input address
 */
public record UnrecoverableFault(Reason reason, String event, Integer pasid, long addr, boolean read, boolean write,
                                 boolean exec, boolean priv) {

    /** enum iommu_fault_reason (Jacob Pan's fault-report series, as Eric Auger's SMMUv3 nesting series maps events). */
    public enum Reason {
        UNKNOWN, PASID_FETCH, BAD_PASID_ENTRY, PASID_INVALID, WALK_EABT, PTE_FETCH, PERMISSION, ACCESS, OOR_ADDRESS
    }

    public UnrecoverableFault {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(event, "event");
    }
}
