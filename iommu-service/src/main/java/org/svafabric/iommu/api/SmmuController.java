package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuViews;

import java.util.List;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.iommu.SmmuApi;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;
import org.svafabric.iommu.driver.SmmuFeatures;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * GET /iommu/v1/smmus (and /smmu, the first): what each driver found at probe and whether SVA is available; GET
 * /iommu/v1/fabric: the same with the faults armed here, as GET /api/v1/fabric reads it.
 */
@RestController
public class SmmuController implements SmmuApi {
    private final SmmuUnits units;
    private final SmmuMeters meters;
    private final FaultInjector faults;

    public SmmuController(SmmuUnits units, MeterRegistry meters, FaultInjector faults) {
        this.units = units;
        this.meters = new SmmuMeters(meters);
        this.faults = faults;
    }

    @Override
    public IommuViews.Smmu smmu() {
        return view(units.first());
    }

    @Override
    public List<IommuViews.Smmu> smmus() {
        return units.all().stream().map(this::view).toList();
    }

    @Override
    public IommuViews.FabricPart fabric() {
        return new IommuViews.FabricPart(smmus(), faults.list());
    }

    private IommuViews.Smmu view(SmmuUnit unit) {
        ArmSmmuV3 driver = unit.driver();
        SmmuFeatures f = driver.features();
        IommuViews.Features features = new IommuViews.Features(f.ssidBits(), f.sidBits(), f.pri(), f.ats(),
                f.stallModel().spelling(), f.btm(), driver.btmActive(),
                f.hasHd() ? "HA_HD" : f.hasHa() ? "HA" : "none", f.ril(), f.oasBits(), f.asid16(), f.coherent(),
                f.gran4k(), f.aarch64(), driver.e2hActive(), f.msi(), f.sev(), f.stallMax());
        boolean twoLevel = driver.twoLevelStreamTable();
        IommuViews.StrtabView strtab = new IommuViews.StrtabView(twoLevel ? "2-level" : "linear",
                driver.streamTableSplit(), f.sidBits());
        IommuViews.CdTableView cds = new IommuViews.CdTableView(f.cd2l() && f.ssidBits() > 10 ? "2-level" : "linear", f.cd2l());
        return new IommuViews.Smmu(unit.name(), f.registers(), features, strtab, cds,
                new IommuViews.Sva(driver.svaGate().available(), driver.svaGate().reasons()), meters.of(unit.name()));
    }
}
