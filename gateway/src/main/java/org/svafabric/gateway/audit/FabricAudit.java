package org.svafabric.gateway.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;

/**
 * The invariant audit: joins what each service holds and checks the invariants that span services.
 * <ul>
 * <li>no bond to a process that is not running (dead, or LOST in a reboot of RAM);</li>
 * <li>every valid shared CD belongs to a bond, and points at its process's page table (not an old owner's);</li>
 * <li>the stream table and CD tables lie in kernel pages mm-service still gives to the SMMU driver;</li>
 * <li>every PASID-tagged ATC entry belongs to a bond of that device, and points at the frame its process
 * maps at that address now (not a freed or reused frame);</li>
 * <li>every pinned page is covered by a VFIO DMA mapping in a domain the SMMU still has;</li>
 * <li>and what each service finds on its own (page requests answered exactly once or timed out and reported).</li>
 * </ul>
 * Plain Java over the services' views, so each finding can be tested from a constructed bad state.
 *
 * @param dmas VFIO DMA mappings of the gateway's database: pid, vaddr, size, and the domain they map into
 */
public final class FabricAudit {
    /** A VFIO DMA mapping as the gateway's database has it. */
    public record Dma(long pid, long vaddr, long size, Long domain) {
        boolean covers(long va) {
            return va >= vaddr && va < vaddr + size;
        }
    }

    /** Bond states that still let the device use the PASID (EXITING/EXITED: the mm's exit has it in hand). */
    private static final Set<String> LIVE_BOND = Set.of("ATTACHING", "BOUND", "DETACHING");
    static final String KERNEL_OWNER_PREFIX = "iommu-";

    public record Report(boolean clean, List<AuditFinding> findings, Map<String, Integer> checked) {
    }

    /**
     * @param translate mm-service's current translation of (pid, va) pairs
     */
    public Report audit(AuditViews.Mm mm, AuditViews.Iommu iommu, AuditViews.Device devices, List<Dma> dmas,
                        Function<List<AuditViews.Translation>, List<AuditViews.Translation>> translate) {
        List<AuditFinding> out = new ArrayList<>();
        out.addAll(mm.findings());
        out.addAll(iommu.findings());
        out.addAll(devices.findings());
        Map<Long, AuditViews.Process> procs = new HashMap<>();
        mm.processes().forEach(p -> procs.put(p.pid(), p));
        Map<String, AuditViews.Bond> bonds = new HashMap<>();
        iommu.bonds().forEach(b -> bonds.put(b.device() + "#" + b.pasid(), b));

        for (AuditViews.Bond b : iommu.bonds()) {
            AuditViews.Process p = procs.get(b.pid());
            if (LIVE_BOND.contains(b.state()) && (p == null || !"RUNNING".equals(p.state()))) {
                out.add(new AuditFinding(AuditFinding.BOND_TO_DEAD_PROCESS, "iommu-service",
                        "device " + b.device() + " PASID " + b.pasid() + " pid " + b.pid(),
                        "the bond is " + b.state() + " but process " + b.pid() + " is "
                                + (p == null ? "unknown to mm-service (gone with a reboot of RAM)" : p.state())));
            }
        }
        for (AuditViews.Cd cd : iommu.cds()) {
            AuditViews.Bond b = cd.ssid() == 0 ? null : bonds.get(cd.device() + "#" + cd.ssid());
            AuditViews.Process p = b == null ? null : procs.get(b.pid());
            if (p != null && p.pgd() != null && p.pgd().value() != cd.ttb0().value()) {
                out.add(new AuditFinding(AuditFinding.CD_STALE_OWNER, "iommu-service",
                        "device " + cd.device() + " SSID " + cd.ssid(),
                        "the CD points at page table " + cd.ttb0().hex() + " but PASID " + cd.ssid() + " belongs to pid "
                                + b.pid() + " whose page table is at " + p.pgd().hex()));
            }
        }
        for (AuditViews.Table t : iommu.tables()) {
            boolean held = mm.kernelPages().stream().anyMatch(k -> k.owner().startsWith(KERNEL_OWNER_PREFIX)
                    && t.pa().value() >= k.pa().value() && t.pa().value() < k.pa().value() + ((long) k.pages() << 12));
            if (!held) {
                out.add(new AuditFinding(AuditFinding.TABLE_IN_FREED_FRAME, "iommu-service",
                        t.what() + (t.device() == null ? "" : " of " + t.device()) + " at " + t.pa().hex(),
                        "the SMMU reads its " + t.what() + " from a frame mm-service no longer gives to the SMMU driver"));
            }
        }
        checkAtc(devices.atc(), bonds, translate, out);
        checkPins(mm.pins(), dmas, Set.copyOf(iommu.domains()), out);

        Map<String, Integer> checked = new LinkedHashMap<>();
        checked.put("processes", mm.processes().size());
        checked.put("bonds", iommu.bonds().size());
        checked.put("contextDescriptors", iommu.cds().size());
        checked.put("tables", iommu.tables().size());
        checked.put("atcEntries", devices.atc().size());
        checked.put("pins", mm.pins().size());
        return new Report(out.isEmpty(), out, checked);
    }

    private static void checkAtc(List<AuditViews.AtcEntry> atc, Map<String, AuditViews.Bond> bonds,
                                 Function<List<AuditViews.Translation>, List<AuditViews.Translation>> translate,
                                 List<AuditFinding> out) {
        List<AuditViews.AtcEntry> bonded = new ArrayList<>();
        List<AuditViews.Translation> asked = new ArrayList<>();
        for (AuditViews.AtcEntry e : atc) {
            if (e.pasid() == null) {
                continue; // untagged: the device's private domain, not a PASID's
            }
            AuditViews.Bond b = bonds.get(e.device() + "#" + e.pasid());
            if (b == null || !LIVE_BOND.contains(b.state())) {
                out.add(new AuditFinding(AuditFinding.ATC_STALE_OWNER, "device-service",
                        "device " + e.device() + " PASID " + e.pasid() + " VA " + e.va().hex(),
                        "the ATC translates to " + e.pa().hex() + " for PASID " + e.pasid()
                                + ", which no bond of this device holds: a translation of the PASID's old owner"));
                continue;
            }
            bonded.add(e);
            asked.add(new AuditViews.Translation(b.pid(), e.va(), null));
        }
        if (asked.isEmpty()) {
            return;
        }
        List<AuditViews.Translation> now = translate.apply(asked);
        for (int i = 0; i < bonded.size(); i++) {
            AuditViews.AtcEntry e = bonded.get(i);
            AuditViews.Translation t = now.get(i);
            if (t.pa() == null || t.pa().value() != e.pa().value()) {
                out.add(new AuditFinding(AuditFinding.ATC_FREED_FRAME, "device-service",
                        "device " + e.device() + " PASID " + e.pasid() + " VA " + e.va().hex(),
                        "the ATC translates to " + e.pa().hex() + " but pid " + t.pid() + " maps "
                                + (t.pa() == null ? "nothing" : t.pa().hex()) + " there now: the frame was freed or reused"
                                + " without an ATC invalidation"));
            }
        }
    }

    private static void checkPins(List<AuditViews.Pin> pins, List<Dma> dmas, Set<Long> domains, List<AuditFinding> out) {
        for (AuditViews.Pin pin : pins) {
            boolean mapped = dmas.stream().anyMatch(d -> d.pid() == pin.pid() && d.covers(pin.va().value())
                    && d.domain() != null && domains.contains(d.domain()));
            if (!mapped) {
                out.add(new AuditFinding(AuditFinding.PIN_WITHOUT_MAPPING, "mm-service",
                        "pid " + pin.pid() + " VA " + pin.va().hex() + " frame " + pin.pa().hex(),
                        "the page is pinned but no VFIO DMA mapping in a live SMMU domain covers it: the pin leaked"));
            }
        }
    }
}
