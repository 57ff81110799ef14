package org.svafabric.iommu.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * iommu-service settings beyond the topology (prefix {@code iommu}).
 *
 * @param cpuPaBits          the CPU's physical address bits (ID_AA64MMFR0_EL1.PARange)
 * @param cpuVaBits          the CPU's user VA bits (T0SZ of shared CDs)
 * @param cpuAsidBits        the CPU's ASID bits (mm-service's allocator)
 * @param btm                use broadcast TLB maintenance when the SMMU offers it
 * @param tlbiMaxPages       above this many pages a range invalidation becomes one TLBI by ASID
 * @param syncTimeout        the longest a CMD_SYNC may take before the caller gets ETIMEDOUT
 * @param atcTimeout         how long the SMMU's CMD_SYNC waits for ATS invalidation completions
 * @param stallWatchdog      how long the model holds a stalled transaction nobody resumes
 * @param iopfWorkers        fault groups serviced at once
 * @param iopfCapacity       fault groups waiting for a worker
 * @param discoveryRetry     pause between attempts to reach mm-service (probe) and device-service (devices)
 * @param startupWait        how long start-up waits for the probe and the device list before going on
 * @param commandOrderSeed   when set, the strict model: commands between two CMD_SYNCs complete in an order
 *                           shuffled with this seed (IHI 0070 §4.1.4); unset, in queue order
 */
@ConfigurationProperties("iommu")
public record IommuSettings(Integer cpuPaBits, Integer cpuVaBits, Integer cpuAsidBits, Boolean btm, Long tlbiMaxPages,
                            Duration syncTimeout, Duration atcTimeout, Duration stallWatchdog, Integer iopfWorkers,
                            Integer iopfCapacity, Duration discoveryRetry, Duration startupWait,
                            Long commandOrderSeed) {

    public IommuSettings {
        cpuPaBits = cpuPaBits == null ? 48 : cpuPaBits;
        cpuVaBits = cpuVaBits == null ? 48 : cpuVaBits;
        cpuAsidBits = cpuAsidBits == null ? 16 : cpuAsidBits;
        btm = btm == null || btm;
        tlbiMaxPages = tlbiMaxPages == null ? 512 : tlbiMaxPages;
        syncTimeout = syncTimeout == null ? Duration.ofSeconds(30) : syncTimeout;
        atcTimeout = atcTimeout == null ? Duration.ofSeconds(10) : atcTimeout;
        stallWatchdog = stallWatchdog == null ? Duration.ofSeconds(60) : stallWatchdog;
        iopfWorkers = iopfWorkers == null ? 4 : iopfWorkers;
        iopfCapacity = iopfCapacity == null ? 4096 : iopfCapacity;
        discoveryRetry = discoveryRetry == null ? Duration.ofMillis(500) : discoveryRetry;
        startupWait = startupWait == null ? Duration.ofSeconds(15) : startupWait;
    }
}
