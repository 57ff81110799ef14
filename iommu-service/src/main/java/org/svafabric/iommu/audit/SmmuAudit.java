package org.svafabric.iommu.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.iommu.BondView;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaDeviceView;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.Master;
import org.svafabric.iommu.driver.PrivateDomain;
import org.svafabric.iommu.hw.layout.Cd;

/**
 * The audit's view of the SMMU: the core's bonds, every valid CD read back from RAM, and the tables the SMMU
 * reads from RAM. Its own finding: a valid shared CD (SSID >= 1) with no bond at that PASID on that device,
 * i.e. a context left behind for a PASID's old owner. Whether a bond's process is alive, and whether the tables
 * lie in frames still given to this driver, the gateway answers with mm-service's view.
 */
public final class SmmuAudit {
    private final List<ArmSmmuV3> drivers;
    private final IommuSva sva;

    /** {@code drivers}: the driver instance of every SMMU, whose tables the audit reads back. */
    public SmmuAudit(List<ArmSmmuV3> drivers, IommuSva sva) {
        this.drivers = List.copyOf(drivers);
        this.sva = sva;
    }

    public AuditViews.Iommu view() {
        List<AuditViews.Bond> bonds = new ArrayList<>();
        for (SvaDeviceView d : sva.devices()) {
            for (BondView b : d.bonds()) {
                bonds.add(new AuditViews.Bond(b.device(), b.pasid(), b.pid(), b.state()));
            }
        }
        List<AuditViews.Cd> cds = new ArrayList<>();
        List<AuditViews.Table> tables = new ArrayList<>();
        List<Long> domains = new ArrayList<>();
        for (ArmSmmuV3 driver : drivers) {
            read(driver, cds, tables);
            driver.domains().stream().map(PrivateDomain::id).forEach(domains::add);
        }
        return new AuditViews.Iommu(bonds, cds, tables, domains, findings(bonds, cds));
    }

    private static void read(ArmSmmuV3 driver, List<AuditViews.Cd> cds, List<AuditViews.Table> tables) {
        if (driver.probed()) {
            tables.add(new AuditViews.Table("stream table", null, Addr.of(driver.streamTableBase())));
            for (Master m : driver.masters()) {
                tables.add(new AuditViews.Table("CD table", m.id(), Addr.of(driver.cdTableBaseOf(m.id()))));
                for (Map.Entry<Integer, Cd> e : driver.validCdsOf(m.id()).entrySet()) {
                    Cd cd = e.getValue();
                    cds.add(new AuditViews.Cd(m.id(), e.getKey(), Addr.of(cd.address(Cd.TTB0)), (int) cd.get(Cd.ASID)));
                }
            }
        }
    }

    /** Valid shared CDs that no bond accounts for. */
    static List<AuditFinding> findings(List<AuditViews.Bond> bonds, List<AuditViews.Cd> cds) {
        List<AuditFinding> out = new ArrayList<>();
        for (AuditViews.Cd cd : cds) {
            if (cd.ssid() == 0) {
                continue; // SSID 0: the master's private (VFIO/DMA API) domain, not a PASID
            }
            boolean bonded = bonds.stream().anyMatch(b -> b.device().equals(cd.device()) && b.pasid() == cd.ssid());
            if (!bonded) {
                out.add(new AuditFinding(AuditFinding.CD_WITHOUT_BOND, "iommu-service",
                        "device " + cd.device() + " SSID " + cd.ssid(),
                        "a valid CD (TTB0 " + cd.ttb0().hex() + ", ASID " + cd.asid()
                                + ") is installed but no bond holds PASID " + cd.ssid() + " on this device"));
            }
        }
        return out;
    }
}
