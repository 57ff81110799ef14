package org.svafabric.iommu.core.port;

import java.util.Objects;

/**
 * A device as the IOMMU core sees it: what its bus advertises, not what the SMMU offers (that comes
 * from {@link IommuDriverOps#svaSupport}). The core never keeps a copy it could act on after the
 * device changed: every call passes the device again.
 *
 * @param id                        the device name ("00:01.0", "smmute0")
 * @param sid                       its StreamID
 * @param pasidBits                 PCIe PASID capability Max PASID Width, or the firmware's substream width
 *                                  for a platform device; 0: the device cannot tag traffic with a PASID
 * @param pri                       it has a PCIe Page Request Interface
 * @param ats                       it has a PCIe Address Translation Service (an ATC to invalidate)
 * @param stall                     its DMA can be stalled by the SMMU (firmware "dma-can-stall")
 * @param prgResponsePasidRequired  PCIe PRI capability "PRG Response PASID Required": responses must carry
 *                                  the PASID of the group
 */
public record Device(String id, int sid, int pasidBits, boolean pri, boolean ats, boolean stall,
                     boolean prgResponsePasidRequired) {

    /** PCIe limits the PASID to 20 bits. */
    public static final int MAX_PASID_BITS = 20;

    public Device {
        Objects.requireNonNull(id, "id");
        if (pasidBits < 0 || pasidBits > MAX_PASID_BITS) {
            throw new IllegalArgumentException("pasidBits " + pasidBits + " outside [0, " + MAX_PASID_BITS + "]");
        }
    }

    /** Whether the device itself can wait for an I/O page fault to be resolved. */
    public boolean canFault() {
        return pri || stall;
    }
}
