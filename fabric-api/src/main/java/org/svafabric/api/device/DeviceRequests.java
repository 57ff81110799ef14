package org.svafabric.api.device;

import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.PrgResponseCode;

/**
 * Request bodies of device-service. Fields are boxed so that a missing field is seen as
 * missing (and refused with EINVAL) rather than read as zero.
 */
public final class DeviceRequests {
    private DeviceRequests() {
    }

    /**
     * POST /device/v1/devices/{id}/jobs: what a driver asks its DMA engine to do. Without
     * {@code pasid} the addresses are IOVAs of the device's own domain (classical DMA).
     *
     * @param op     memcpy, memset, rand48, sum64 or compare
     * @param value  memset's fill byte (0..255)
     * @param seed   rand48's seed (srand48)
     */
    /** {@code pid}: the process the PASID belongs to, named by the gateway (never the caller) so that the device's events carry it. */
    public record Job(String op, Integer pasid, Addr src, Addr dst, Long length, Integer value, Long seed, Long pid) {
    }

    /**
     * POST .../pcie/enable and .../pcie/disable: the capabilities the kernel driver turns on or
     * off (PASID Control.Enable, PRI Control.Enable with the Outstanding Page Request
     * Allocation, ATS Control.Enable). A null flag leaves that capability alone.
     */
    public record PcieControl(Boolean pasid, Boolean pri, Boolean ats, Integer outstandingPageRequests) {
    }

    /**
     * POST .../ats/invalidate: an ATS Invalidation Request (CMD_ATC_INV). Without {@code pasid}
     * (or with {@code global}) every ATC entry in the range goes, whatever its PASID, as on PCIe
     * a request without PASID prefix does. {@code size} 0 means the whole address space.
     */
    public record AtcInvalidation(Integer pasid, Addr addr, Long size, Boolean global) {
    }

    /** POST .../pri/responses: the PRG Response Message for one page-request group (CMD_PRI_RESP). */
    public record PrgResponse(Integer prgIndex, Integer pasid, PrgResponseCode code) {
    }

    /** POST .../mm-exit: the bound mm of {@code pasid} is going away. */
    public record MmExit(Integer pasid) {
    }

    /** PUT .../mm-exit-handler: {@code stop-dma} or {@code ignore}. */
    public record MmExitHandler(String policy) {
    }
}
