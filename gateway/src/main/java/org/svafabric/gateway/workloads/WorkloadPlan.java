package org.svafabric.gateway.workloads;

import java.util.List;

import org.svafabric.gateway.workloads.WorkloadFabric.DeviceInfo;
import org.svafabric.gateway.workloads.WorkloadRequest.FaultMode;
import org.svafabric.gateway.workloads.WorkloadRequest.Mode;
import org.svafabric.gateway.workloads.WorkloadRequest.Op;

/**
 * A checked workload request: what {@link WorkloadRun} executes. Slot {@code i} (one job in
 * flight) runs on device {@code i % devices} with buffers in process {@code i % processes}.
 *
 * @param jobs            the job count, or null when the workload runs for {@code durationSeconds}
 */
record WorkloadPlan(WorkloadRequest request, Mode mode, FaultMode faultMode, Op op, List<DeviceInfo> devices, int processes,
                    long bufferBytes, int concurrency, Integer durationSeconds, Integer jobs, int reclaimEverySeconds) {
    static final long PAGE = 4096;

    DeviceInfo deviceOfSlot(int slot) {
        return devices.get(slot % devices.size());
    }

    int processOfSlot(int slot) {
        return slot % processes;
    }

    /** Buffers each slot keeps for the whole run: memcpy's two sources (one when cold) and, unless cold, its destination. */
    int buffersPerSlot() {
        int sources = op == Op.MEMCPY ? (faultMode == FaultMode.COLD ? 1 : 2) : 0;
        return sources + 1;
    }

    long pagesPerBuffer() {
        return bufferBytes / PAGE;
    }
}
