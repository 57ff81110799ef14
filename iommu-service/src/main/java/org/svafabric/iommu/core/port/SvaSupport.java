package org.svafabric.iommu.core.port;

/**
 * What the SMMU in front of a device can do for SVA, as its driver reports it.
 *
 * @param ssidBits SMMU_IDR1.SSIDSIZE: how many SubstreamID bits the SMMU decodes (0: no substreams)
 * @param pri      the SMMU has a PRI queue (SMMU_IDR0.PRI), so PCIe page requests reach the fault queue
 * @param stall    the SMMU can stall faulting transactions (SMMU_IDR0.STALL_MODEL allows it)
 */
public record SvaSupport(int ssidBits, boolean pri, boolean stall) {

    public SvaSupport {
        if (ssidBits < 0 || ssidBits > 20) {
            throw new IllegalArgumentException("ssidBits " + ssidBits + " outside [0, 20]");
        }
    }
}
