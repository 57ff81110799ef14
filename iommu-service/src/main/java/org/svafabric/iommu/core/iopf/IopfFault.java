package org.svafabric.iommu.core.iopf;

import java.util.Objects;

import org.svafabric.iommu.core.port.Device;

/**
 * One recoverable I/O page fault as the driver reports it (struct iommu_fault_event, type PAGE_REQ): a PCIe
 * page request taken from the PRI queue, or a stalled transaction taken from the event queue. A stall is
 * always a group of its own ({@code last} is true) and is answered with CMD_RESUME by its {@code stag}; page
 * requests are grouped by PRG index and answered with CMD_PRI_RESP.
 *
 * @param pasidValid the request carried a PASID (SSV)
 * @param prgIndex   Page Request Group index (page requests)
 * @param stag       stall tag (stalls)
 * @param last       the request closes its group
 * @param addr       the page address
 */
public record IopfFault(Device device, Kind kind, boolean pasidValid, int pasid, int prgIndex, int stag, boolean last,
                        boolean read, boolean write, boolean exec, boolean priv, long addr) {

    public enum Kind {
        PAGE_REQUEST, STALL
    }

    public IopfFault {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.STALL && !last) {
            throw new IllegalArgumentException("a stall is a group of its own");
        }
    }

    /** A PCIe Page Request Message; {@code pasid} null when it carried no PASID prefix. */
    public static IopfFault pageRequest(Device device, Integer pasid, int prgIndex, boolean last, boolean read,
                                        boolean write, boolean exec, boolean priv, long addr) {
        return new IopfFault(device, Kind.PAGE_REQUEST, pasid != null, pasid == null ? 0 : pasid, prgIndex, 0, last,
                read, write, exec, priv, addr);
    }

    /** A transaction the SMMU stalled (event with STALL = 1); {@code pasid} null when it had no SubstreamID. */
    public static IopfFault stall(Device device, Integer pasid, int stag, boolean write, boolean exec, boolean priv,
                                  long addr) {
        return new IopfFault(device, Kind.STALL, pasid != null, pasid == null ? 0 : pasid, 0, stag, true, !write,
                write, exec, priv, addr);
    }

    /**
     * The PCIe Stop Marker (Last with neither read nor write): the device stopped using the PASID. It is not a
     * page request and gets no response.
     */
    public boolean isStopMarker() {
        return kind == Kind.PAGE_REQUEST && last && !read && !write;
    }
}
