package org.svafabric.iommu.core.port;

/**
 * One page to fault in on behalf of a device: what handle_mm_fault receives from an I/O page fault.
 *
 * @param privileged the request carried the PCIe privileged-mode bit (no FAULT_FLAG_USER)
 */
public record MmFault(long addr, Access access, boolean privileged) {

    public enum Access {
        READ, WRITE, EXEC
    }
}
