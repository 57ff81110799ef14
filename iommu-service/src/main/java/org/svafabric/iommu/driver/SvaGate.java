package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether this SMMU can share process address spaces with devices, and why (Linux
 * {@code arm_smmu_sva_supported} plus the series' need for a way to fault). Every reason is written whether
 * it passes or fails, so GET /iommu/v1/smmu explains the verdict.
 *
 * @param reasons one line per requirement, prefixed "ok:" or "missing:"
 */
public record SvaGate(boolean available, List<String> reasons) {

    public static SvaGate evaluate(SmmuFeatures smmu, CpuFeatures cpu) {
        List<String> reasons = new ArrayList<>();
        boolean ok = true;
        ok &= check(reasons, smmu.ssidBits() > 0, "SubstreamIDs (IDR1.SSIDSIZE = " + smmu.ssidBits() + ")",
                "a PASID selects the address space");
        ok &= check(reasons, smmu.s1p(), "stage-1 translation (IDR0.S1P)", "process page tables are stage 1");
        ok &= check(reasons, smmu.aarch64(), "AArch64 translation tables (IDR0.TTF)", "the CPU's tables are AArch64");
        ok &= check(reasons, cpu.pageShift() != 12 || smmu.gran4k(), "the CPU's 4 KiB granule (IDR5.GRAN4K)",
                "TG0 must equal the CPU page size");
        ok &= check(reasons, smmu.coherent(), "coherent table walks (IDR0.COHACC)",
                "the CPU writes page tables without cache maintenance for the SMMU");
        ok &= check(reasons, smmu.oasBits() >= cpu.paBits(), "output size " + smmu.oasBits() + " bits >= CPU PA "
                + cpu.paBits() + " bits (IDR5.OAS)", "any frame of a process must be reachable");
        ok &= check(reasons, smmu.asidBits() >= cpu.asidBits(), smmu.asidBits() + "-bit ASIDs >= the CPU's "
                + cpu.asidBits() + " (IDR0.ASID16)", "a CD carries the process's ASID unchanged");
        ok &= check(reasons, smmu.pri() || smmu.stalls(), "a way to fault: " + faultPaths(smmu),
                "I/O page faults need PRI or stall");
        // Informational: these change how SVA works, not whether it does.
        reasons.add((smmu.btm() ? "ok: " : "info: no ") + "broadcast TLB maintenance (IDR0.BTM)"
                + (smmu.btm() ? "" : ": the driver sends TLBI commands for shared ASIDs"));
        reasons.add((smmu.hasHa() ? "ok: " : "info: no ") + "hardware access flag (IDR0.HTTU)"
                + (smmu.hasHd() ? " and dirty state" : ""));
        reasons.add((smmu.ril() ? "ok: " : "info: no ") + "range invalidation (IDR3.RIL)");
        return new SvaGate(ok, List.copyOf(reasons));
    }

    private static String faultPaths(SmmuFeatures smmu) {
        List<String> p = new ArrayList<>();
        if (smmu.pri()) {
            p.add("PRI (IDR0.PRI)");
        }
        if (smmu.stalls()) {
            p.add("stall (IDR0.STALL_MODEL " + smmu.stallModel() + ")");
        }
        return p.isEmpty() ? "neither PRI nor stall" : String.join(" and ", p);
    }

    private static boolean check(List<String> reasons, boolean ok, String what, String why) {
        reasons.add((ok ? "ok: " : "missing: ") + what + (ok ? "" : " -- " + why));
        return ok;
    }
}
