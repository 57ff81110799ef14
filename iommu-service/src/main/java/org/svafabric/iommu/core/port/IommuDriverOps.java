package org.svafabric.iommu.core.port;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.svafabric.api.wire.PrgResponseCode;

/**
 * What the IOMMU core needs from the arm-smmu-v3 driver (v1's iommu_ops sva_device_init, mm_attach,
 * mm_detach, mm_invalidate, page_response, the fault-queue flush notifier). Every method may block on remote
 * I/O; the core never calls one with its global lock held. Each returns only once the effect is complete:
 * attach and detach after CMD_SYNC, invalidation after CMD_SYNC and every ATC invalidation completion.
 * Failures are {@link org.svafabric.api.error.ErrnoException}s.
 */
public interface IommuDriverOps {

    /**
     * The SMMU's SVA capabilities for this device (v1 ops->sva_device_init narrowing the PASID range), or
     * empty when the driver cannot share a process address space with it (no SMMU substreams, page-table
     * format not compatible with the CPU's, device not behind an SMMU).
     */
    Optional<SvaSupport> svaSupport(Device device);

    /**
     * Enables on the device what SVA needs (device-service side effect): PASID, and for {@code iopf} PRI on a
     * PRI-capable endpoint; ATS when the device has it. Called once by iommu_sva_device_init.
     */
    void enableSva(Device device, boolean iopf);

    /**
     * Installs the process address space at SSID {@code pasid} in the device's CD table: TTB0 = {@code pgd},
     * ASID = {@code asid} (pinned by the core), S = {@code stall}; then CMD_CFGI_CD and CMD_SYNC.
     */
    void attach(Device device, int pasid, long pgd, int asid, boolean stall);

    /**
     * Clears the CD at {@code pasid}, then CMD_CFGI_CD, CMD_TLBI_NH_ASID for {@code asid}, CMD_ATC_INV for the
     * PASID when the device has ATS, and CMD_SYNC. After it returns the SMMU and the ATC hold nothing of
     * the address space for this device.
     */
    void detach(Device device, int pasid, int asid);

    /**
     * Invalidates [start, end) of the address space for every listed device: CMD_TLBI_NH_VA by {@code asid}
     * (unless {@code btm}: the SMMU already received the CPU's broadcast TLBI) and CMD_ATC_INV at
     * {@code pasid} for each device with ATS, then CMD_SYNC and the ATC invalidation completions.
     */
    void invalidateRange(List<Device> devices, int pasid, int asid, long start, long end, boolean btm);

    /**
     * Commits to the fault queue every fault the driver already took from the device (PRI queue, event
     * queue) but has not reported yet: v1's iommu_fault_queue_register flush notifier, called at the start
     * of every fault-queue flush.
     */
    void drainFaults(Device device);

    /**
     * CMD_PRI_RESP for the page request group {@code prgIndex}; {@code pasid} present only when the device
     * requires it in the response (PRG Response PASID Required).
     */
    void pageResponse(Device device, OptionalInt pasid, int prgIndex, PrgResponseCode code);

    /** CMD_RESUME for the stalled transaction {@code stag}: Retry, or Abort. */
    void resume(Device device, int stag, boolean retry);

    /** Undoes {@link #enableSva} at iommu_sva_device_shutdown: PRI, PASID (and ATS) disabled. */
    void resetDevice(Device device);
}
