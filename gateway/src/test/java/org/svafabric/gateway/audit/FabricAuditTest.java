package org.svafabric.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.json.Addr;

/** Each invariant the audit checks, broken on purpose in constructed service views. */
class FabricAuditTest {
    private static final String DEV = "0000:01:00.0";
    private static final long PGD = 0x4000_1000L;
    private static final long FRAME = 0x4100_0000L;
    private static final long VA = 0x7f00_0000_0000L;

    private final FabricAudit audit = new FabricAudit();

    // A consistent machine: pid 10 running, bound at PASID 1, its CD points at its pgd, the ATC holds one page
    // that pid 10 maps there, the SMMU's tables lie in its kernel pages, one pin covered by a VFIO mapping.
    private List<AuditViews.Process> processes = new ArrayList<>(List.of(new AuditViews.Process(10, "RUNNING", Addr.of(PGD))));
    private List<AuditViews.KernelAllocation> kernel = new ArrayList<>(List.of(new AuditViews.KernelAllocation("iommu-smmu0", Addr.of(0x4000_0000L), 16)));
    private List<AuditViews.Pin> pins = new ArrayList<>(List.of(new AuditViews.Pin(10, Addr.of(VA), Addr.of(FRAME))));
    private List<AuditViews.Bond> bonds = new ArrayList<>(List.of(new AuditViews.Bond(DEV, 1, 10, "BOUND")));
    private List<AuditViews.Cd> cds = new ArrayList<>(List.of(new AuditViews.Cd(DEV, 1, Addr.of(PGD), 1)));
    private List<AuditViews.Table> tables = new ArrayList<>(List.of(new AuditViews.Table("stream table", null, Addr.of(0x4000_2000L)),
            new AuditViews.Table("CD table", DEV, Addr.of(0x4000_3000L))));
    private List<AuditViews.AtcEntry> atc = new ArrayList<>(List.of(new AuditViews.AtcEntry(DEV, 1, Addr.of(VA), Addr.of(FRAME))));
    private List<AuditFinding> deviceFindings = new ArrayList<>();
    private List<FabricAudit.Dma> dmas = new ArrayList<>(List.of(new FabricAudit.Dma(10, VA, 4096, 7L)));
    private List<Long> domains = new ArrayList<>(List.of(7L));
    /** The CPU maps VA of pid 10 at FRAME. */
    private Function<List<AuditViews.Translation>, List<AuditViews.Translation>> cpu = asked -> asked.stream()
            .map(t -> new AuditViews.Translation(t.pid(), t.va(), t.pid() == 10 && t.va().value() == VA ? Addr.of(FRAME) : null))
            .toList();

    private FabricAudit.Report run() {
        return audit.audit(new AuditViews.Mm(processes, kernel, pins, List.of()),
                new AuditViews.Iommu(bonds, cds, tables, domains, List.of()),
                new AuditViews.Device(atc, deviceFindings), dmas, cpu);
    }

    private List<String> kinds() {
        return run().findings().stream().map(AuditFinding::kind).toList();
    }

    @Test
    void aConsistentMachineIsClean() {
        FabricAudit.Report r = run();
        assertThat(r.findings()).isEmpty();
        assertThat(r.clean()).isTrue();
        assertThat(r.checked()).containsEntry("bonds", 1).containsEntry("atcEntries", 1).containsEntry("pins", 1);
    }

    @Test
    void aBondToALostProcessIsFound() {
        processes.set(0, new AuditViews.Process(10, "LOST", null));
        FabricAudit.Report r = run();
        assertThat(r.clean()).isFalse();
        assertThat(r.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.BOND_TO_DEAD_PROCESS);
            assertThat(f.service()).isEqualTo("iommu-service");
            assertThat(f.where()).contains(DEV).contains("PASID 1").contains("pid 10");
            assertThat(f.what()).contains("LOST");
        });
    }

    @Test
    void aBondToAProcessUnknownAfterARebootOfRamIsFound() {
        processes.clear();
        assertThat(kinds()).contains(AuditFinding.BOND_TO_DEAD_PROCESS);
    }

    @Test
    void aBondWhoseExitIsInHandIsNotAFinding() {
        processes.set(0, new AuditViews.Process(10, "EXITED", null));
        bonds.set(0, new AuditViews.Bond(DEV, 1, 10, "EXITED"));
        atc.clear();
        cds.clear();
        pins.clear();
        assertThat(run().findings()).isEmpty();
    }

    @Test
    void aCdPointingAtAnotherPageTableThanItsOwnersIsFound() {
        cds.set(0, new AuditViews.Cd(DEV, 1, Addr.of(0x4000_9000L), 1));
        assertThat(run().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.CD_STALE_OWNER);
            assertThat(f.what()).contains("0x40009000").contains("0x40001000");
        });
    }

    @Test
    void aTableOutsideTheDriversKernelPagesIsFound() {
        kernel.set(0, new AuditViews.KernelAllocation("iommu-smmu0", Addr.of(0x4000_0000L), 3)); // CD table page no longer held
        assertThat(run().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.TABLE_IN_FREED_FRAME);
            assertThat(f.where()).contains("CD table of " + DEV);
        });
    }

    @Test
    void aTableInPagesOfAnotherOwnerIsFound() {
        kernel.set(0, new AuditViews.KernelAllocation("somebody-else", Addr.of(0x4000_0000L), 16));
        assertThat(kinds()).containsOnly(AuditFinding.TABLE_IN_FREED_FRAME);
    }

    @Test
    void anAtcEntryOfAPasidNoBondHoldsIsAnOldOwnersTranslation() {
        bonds.clear();
        cds.clear();
        assertThat(run().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.ATC_STALE_OWNER);
            assertThat(f.service()).isEqualTo("device-service");
            assertThat(f.where()).contains("PASID 1");
        });
    }

    @Test
    void anAtcEntryPointingAtAFrameTheProcessNoLongerMapsIsFound() {
        cpu = asked -> asked.stream().map(t -> new AuditViews.Translation(t.pid(), t.va(), Addr.of(FRAME + 0x1000))).toList();
        assertThat(run().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.ATC_FREED_FRAME);
            assertThat(f.what()).contains("0x41000000").contains("0x41001000");
        });
    }

    @Test
    void anAtcEntryForAPageTheProcessUnmappedIsFound() {
        cpu = asked -> asked.stream().map(t -> new AuditViews.Translation(t.pid(), t.va(), null)).toList();
        assertThat(kinds()).containsOnly(AuditFinding.ATC_FREED_FRAME);
    }

    @Test
    void untaggedAtcEntriesBelongToThePrivateDomainAndAreNotPasidChecks() {
        atc.set(0, new AuditViews.AtcEntry(DEV, null, Addr.of(VA), Addr.of(FRAME)));
        bonds.clear();
        cds.clear();
        assertThat(run().findings()).isEmpty();
    }

    @Test
    void aPinWithoutAVfioMappingIsALeak() {
        dmas.clear();
        assertThat(run().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(AuditFinding.PIN_WITHOUT_MAPPING);
            assertThat(f.service()).isEqualTo("mm-service");
            assertThat(f.where()).contains("pid 10");
        });
    }

    @Test
    void aPinWhoseDomainTheSmmuLostIsALeak() {
        domains.clear();
        assertThat(kinds()).containsOnly(AuditFinding.PIN_WITHOUT_MAPPING);
    }

    @Test
    void aServicesOwnFindingsAreReported() {
        deviceFindings.add(new AuditFinding(AuditFinding.PAGE_REQUEST_ANSWERED_TWICE, "device-service", "device x PRG index 3", "twice"));
        FabricAudit.Report r = run();
        assertThat(r.clean()).isFalse();
        assertThat(kinds()).containsOnly(AuditFinding.PAGE_REQUEST_ANSWERED_TWICE);
    }
}
