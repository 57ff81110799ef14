package org.svafabric.api.device;

import java.util.Map;

import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
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
     * @param timing overrides of the timing model's costs for this job, nanoseconds by cost name
     *               ({@link org.svafabric.api.timing.Cost#key()}); unknown names are refused
     * @param pid    the process the PASID belongs to, named by the gateway (never the caller) so that the device's
     *               events carry it
     */
    public record Job(String op, Integer pasid, Addr src, Addr dst, Long length, Integer value, Long seed, Long pid,
                      Map<String, Long> timing) {
        public Job(String op, Integer pasid, Addr src, Addr dst, Long length, Integer value, Long seed, Long pid) {
            this(op, pasid, src, dst, length, value, seed, pid, null);
        }
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

    /**
     * POST .../pri/responses: the PRG Response Message for one page-request group (CMD_PRI_RESP).
     * {@code faults}, not part of the PCIe message, tells the device's timing model what handle_mm_fault
     * took for the group's pages (minor, major, swap-in); absent when the SMMU side does not tell.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record PrgResponse(Integer prgIndex, Integer pasid, PrgResponseCode code, DmaEvent.FaultKinds faults) {
        public PrgResponse(Integer prgIndex, Integer pasid, PrgResponseCode code) {
            this(prgIndex, pasid, code, null);
        }
    }

    /**
     * POST .../faults: an unrecoverable fault of the device (iommu_fault_event with type IOMMU_FAULT_DMA_UNRECOV).
     *
     * @param reason the iommu_fault_reason name: PASID_INVALID, PASID_FETCH, BAD_PASID_ENTRY, WALK_EABT,
     *               PTE_FETCH, OOR_ADDRESS, ACCESS, PERMISSION, or UNKNOWN
     * @param event  the SMMU event record the fault came from (F_TRANSLATION, C_BAD_SUBSTREAMID, ...)
     * @param pasid  the PASID of the faulting transaction, absent without one
     * @param addr   the faulting address (the record's InputAddr)
     * @param perm   what the transaction asked: any of "read", "write", "exec", "priv"
     */
    public record DeviceFault(String reason, String event, Integer pasid, Addr addr, java.util.List<String> perm) {
    }

    /** POST .../mm-exit: the bound mm of {@code pasid} is going away. */
    public record MmExit(Integer pasid) {
    }

    /** PUT .../mm-exit-handler: {@code stop-dma} or {@code ignore}. */
    public record MmExitHandler(String policy) {
    }
}
