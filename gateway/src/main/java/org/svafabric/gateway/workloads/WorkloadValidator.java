package org.svafabric.gateway.workloads;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.gateway.workloads.WorkloadFabric.DeviceInfo;
import org.svafabric.gateway.workloads.WorkloadRequest.FaultMode;
import org.svafabric.gateway.workloads.WorkloadRequest.Mode;

/** Checks a request against the limits and the fabric, so that a bad one is refused before anything is created. */
final class WorkloadValidator {
    private final WorkloadLimits limits;
    private final WorkloadFabric fabric;

    WorkloadValidator(WorkloadLimits limits, WorkloadFabric fabric) {
        this.limits = limits;
        this.fabric = fabric;
    }

    WorkloadPlan check(WorkloadRequest r) {
        Mode mode = r.parsedMode();
        FaultMode faultMode = r.parsedFaultMode();
        WorkloadRequest.Op op = r.parsedOp();
        if (r.processes() < 1 || r.processes() > limits.maxProcesses()) {
            throw invalid("processes", "processes must be 1.." + limits.maxProcesses() + ", not " + r.processes());
        }
        if (mode == Mode.PINNED && r.processes() != 1) {
            throw invalid("processes", "a pinned workload is one userspace driver: its VFIO container belongs to one process, so processes must be 1");
        }
        if (r.bufferBytes() % WorkloadPlan.PAGE != 0) {
            throw invalid("bufferBytes", "bufferBytes must be a multiple of the 4 KiB page, not " + r.bufferBytes());
        }
        if (r.bufferBytes() > limits.maxBufferBytes()) {
            throw invalid("bufferBytes", "bufferBytes " + r.bufferBytes() + " is over the engines' longest job, " + limits.maxBufferBytes() + " bytes");
        }
        if ((r.durationSeconds() == null) == (r.jobs() == null)) {
            throw invalid("durationSeconds", "give either durationSeconds or jobs");
        }
        if (r.durationSeconds() != null && (r.durationSeconds() < 1 || r.durationSeconds() > limits.maxDurationSeconds())) {
            throw invalid("durationSeconds", "durationSeconds must be 1.." + limits.maxDurationSeconds());
        }
        if (r.jobs() != null && (r.jobs() < 1 || r.jobs() > limits.maxJobs())) {
            throw invalid("jobs", "jobs must be 1.." + limits.maxJobs());
        }
        if (r.reclaimEverySeconds() != null && faultMode != FaultMode.RECLAIM) {
            throw invalid("reclaimEverySeconds", "reclaimEverySeconds belongs to faultMode reclaim");
        }
        if (r.reclaimPeriodSeconds() < 1 || r.reclaimPeriodSeconds() > 3600) {
            throw invalid("reclaimEverySeconds", "reclaimEverySeconds must be 1..3600");
        }
        if (r.concurrency() < 1) {
            throw invalid("concurrency", "concurrency must be at least 1");
        }
        List<String> timing = TimingTable.problems(r.timing());
        if (!timing.isEmpty()) {
            throw invalid("timing", String.join("; ", timing));
        }
        if (new HashSet<>(r.devices()).size() != r.devices().size()) {
            throw invalid("devices", "devices must not repeat a device");
        }
        List<DeviceInfo> devices = new ArrayList<>();
        for (String id : r.devices()) {
            DeviceInfo d = fabric.device(id);
            if (mode == Mode.SVA && !d.svaCapable()) {
                throw new ErrnoException(Errno.EINVAL, "device-not-sva-capable", "device " + id
                        + " cannot take SVA jobs: it needs PASID and PRI (PCIe) or stall (platform); use mode pinned");
            }
            if (mode == Mode.PINNED && (d.group() < 0 || d.groupInContainer())) {
                throw new ErrnoException(Errno.EBUSY, "device-has-no-free-domain", "device " + id + (d.group() < 0 ? " is in no IOMMU group"
                        : "'s IOMMU group " + d.group() + " is in another VFIO container")
                        + ": a pinned workload needs the device in a private domain of its own container");
            }
            devices.add(d);
        }
        int[] inFlight = new int[devices.size()];
        for (int slot = 0; slot < r.concurrency(); slot++) {
            inFlight[slot % devices.size()]++;
        }
        for (int i = 0; i < devices.size(); i++) {
            if (inFlight[i] > devices.get(i).queueDepth()) {
                throw new ErrnoException(Errno.EINVAL, "concurrency-over-queue", "concurrency " + r.concurrency() + " puts " + inFlight[i]
                        + " jobs in flight on " + devices.get(i).id() + ", whose engine queue holds " + devices.get(i).queueDepth());
            }
        }
        WorkloadPlan plan = new WorkloadPlan(r, mode, faultMode, op, List.copyOf(devices), r.processes(), r.bufferBytes(), r.concurrency(),
                r.durationSeconds(), r.jobs(), r.reclaimPeriodSeconds());
        long pages = (long) plan.concurrency() * plan.buffersPerSlot() * plan.pagesPerBuffer();
        if (plan.faultMode() == FaultMode.COLD) {
            pages += (long) plan.concurrency() * plan.pagesPerBuffer();
        }
        long free = fabric.freeFrames();
        if (pages > free * limits.ramShare()) {
            throw new ErrnoException(Errno.ENOMEM, "workload-over-ram", "the workload's buffers need " + pages + " pages of 4 KiB; "
                    + free + " frames are free and a workload may take " + Math.round(limits.ramShare() * 100) + "% of them");
        }
        return plan;
    }

    private static ErrnoException invalid(String field, String detail) {
        return new ErrnoException(Errno.EINVAL, "invalid-workload", detail);
    }
}
