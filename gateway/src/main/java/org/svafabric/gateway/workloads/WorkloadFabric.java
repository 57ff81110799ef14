package org.svafabric.gateway.workloads;

import java.time.Instant;
import java.util.List;

import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.gateway.security.Caller;

/**
 * Everything a workload asks of the fabric, in the kernel's and VFIO's terms. One adapter
 * ({@link GatewayWorkloadFabric}) maps it onto the gateway's building blocks, so the orchestrator
 * does not change when the gateway's clients do. Every call acts as {@code caller}; errors are
 * {@link org.svafabric.api.error.ErrnoException}s with the fabric's errno.
 */
public interface WorkloadFabric {

    /** What the workload needs to know about a device to plan and check a workload. */
    record DeviceInfo(String id, int queueDepth, int engines, int pasidBits, boolean pri, boolean stall, boolean ats, int group,
                      boolean groupInContainer) {
        boolean svaCapable() {
            return pasidBits > 0 && (pri || stall);
        }
    }

    /** The device, or ENODEV. */
    DeviceInfo device(String id);

    /**
     * The timing table device-service prices jobs with (defaults and the topology's timing section),
     * so that pinning, which happens outside any job, is priced the same way.
     */
    TimingTable timing();

    /** Free RAM frames (4 KiB) in mm-service. */
    long freeFrames();

    long createProcess(Caller caller, String name);

    void exitProcess(Caller caller, long pid);

    long mmap(Caller caller, long pid, long length, boolean populate);

    void munmap(Caller caller, long pid, long addr, long length);

    void write(Caller caller, long pid, long addr, byte[] data);

    byte[] read(Caller caller, long pid, long addr, int length);

    /** Pages swapped out. */
    long reclaim(Caller caller, long pid, long addr, long length);

    /** iommu_sva_device_init(dev, IOPF), if the device is not initialised yet. */
    void svaInit(String device);

    int bind(Caller caller, String device, long pid);

    void unbind(Caller caller, String device, int pasid);

    /** open + GROUP_SET_CONTAINER for every device's group + SET_IOMMU(TYPE1v2); closed on failure. */
    long openContainer(Caller caller, long pid, List<String> devices);

    void mapDma(Caller caller, long container, long vaddr, long iova, long size);

    void unmapDma(Caller caller, long container, long iova, long size);

    void closeContainer(Caller caller, long container);

    /** Submits a job ({@code pasid} absent: IOVAs of the caller's container) and waits for its completion record. */
    DeviceViews.Job runJob(Caller caller, String device, boolean viaContainer, DeviceRequests.Job body);

    /**
     * The details of iommu-service's invalidation events of one type (TLBI, ATC_INV) since {@code from}:
     * on {@code pasid}, or, with {@code pasid} null, those without PASID on {@code devices}.
     */
    List<String> invalidationEvents(String type, Integer pasid, List<String> devices, Instant from);

    /** Each SMMU's counters (smmu.* by name), in the topology's order: what the report's per-SMMU part is the difference of. */
    java.util.Map<String, java.util.Map<String, Long>> smmuCounters();
}
