package org.svafabric.iommu.driver;

import java.time.Duration;

/**
 * How the driver is configured beyond what the ID registers say.
 *
 * @param owner        the owner name of the driver's kernel pages on the memory bus
 * @param cpu          what the CPU side uses for process address spaces
 * @param btm          the fabric lets the SMMU take the CPU's broadcast TLBIs (used only with IDR0.BTM)
 * @param e2h          the kernel runs at EL2 with VHE: CR2.E2H, STE.STRW = EL2, EL2 TLBI forms (with IDR0.HYP)
 * @param tlbiMaxPages above this many pages a range becomes one TLBI by ASID
 * @param syncTimeout  the longest a CMD_SYNC (or a full command queue) may take
 * @param skipPrefetch firmware's {@code hisilicon,broken-prefetch-cmd} ({@code ARM_SMMU_OPT_SKIP_PREFETCH}):
 *                     no CMD_PREFETCH_CONFIG after an STE install
 */
public record DriverSettings(String owner, CpuFeatures cpu, boolean btm, boolean e2h, long tlbiMaxPages,
                             Duration syncTimeout, boolean skipPrefetch) {

    public DriverSettings(String owner, CpuFeatures cpu, boolean btm, boolean e2h, long tlbiMaxPages,
                          Duration syncTimeout) {
        this(owner, cpu, btm, e2h, tlbiMaxPages, syncTimeout, false);
    }

    public static DriverSettings defaults() {
        return new DriverSettings("iommu-smmu0", CpuFeatures.arm64Default(), false, false, 512, Duration.ofSeconds(10));
    }

    public DriverSettings withSkipPrefetch(boolean value) {
        return new DriverSettings(owner, cpu, btm, e2h, tlbiMaxPages, syncTimeout, value);
    }

    public DriverSettings withBtm(boolean value) {
        return new DriverSettings(owner, cpu, value, e2h, tlbiMaxPages, syncTimeout, skipPrefetch);
    }

    public DriverSettings withE2h(boolean value) {
        return new DriverSettings(owner, cpu, btm, value, tlbiMaxPages, syncTimeout, skipPrefetch);
    }

    public DriverSettings withTlbiMaxPages(long value) {
        return new DriverSettings(owner, cpu, btm, e2h, value, syncTimeout, skipPrefetch);
    }
}
