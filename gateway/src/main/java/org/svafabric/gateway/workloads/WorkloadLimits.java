package org.svafabric.gateway.workloads;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code fabric.workloads.*}: what one workload may ask for, and how many run at once.
 *
 * @param maxBufferBytes    the longest buffer, the device engines' longest job (device-service max-job-bytes)
 * @param maxProcesses      processes one workload may create
 * @param maxDurationSeconds longest timed part
 * @param maxJobs           most jobs one workload may run
 * @param ramShare          the share of mm-service's free frames a workload's buffers may take (the rest stays for others and page tables)
 * @param running           workloads running at once; others wait QUEUED
 * @param queued            workloads waiting at most; more are refused with EAGAIN
 */
@ConfigurationProperties("fabric.workloads")
public record WorkloadLimits(Long maxBufferBytes, Integer maxProcesses, Integer maxDurationSeconds, Integer maxJobs,
                             Double ramShare, Integer running, Integer queued) {
    public WorkloadLimits {
        maxBufferBytes = maxBufferBytes == null ? 1L << 30 : maxBufferBytes;
        maxProcesses = maxProcesses == null ? 64 : maxProcesses;
        maxDurationSeconds = maxDurationSeconds == null ? 3600 : maxDurationSeconds;
        maxJobs = maxJobs == null ? 1_000_000 : maxJobs;
        ramShare = ramShare == null ? 0.5 : ramShare;
        running = running == null ? 2 : running;
        queued = queued == null ? 16 : queued;
    }

    static WorkloadLimits defaults() {
        return new WorkloadLimits(null, null, null, null, null, null, null);
    }
}
