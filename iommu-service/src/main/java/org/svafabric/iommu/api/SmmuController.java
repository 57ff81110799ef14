package org.svafabric.iommu.api;

import org.svafabric.api.iommu.IommuViews;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.SmmuApi;
import org.svafabric.api.topology.Topology;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.SmmuFeatures;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/** GET /iommu/v1/smmu: what the driver found at probe (decoded ID registers) and whether SVA is available. */
@RestController
public class SmmuController implements SmmuApi {
    private final ArmSmmuV3 driver;
    private final String name;
    private final MeterRegistry meters;

    public SmmuController(ArmSmmuV3 driver, Topology topology, MeterRegistry meters) {
        this.driver = driver;
        this.name = topology.smmu().name();
        this.meters = meters;
    }

    @Override
    public IommuViews.Smmu smmu() {
        SmmuFeatures f = driver.features();
        IommuViews.Features features = new IommuViews.Features(f.ssidBits(), f.sidBits(), f.pri(), f.ats(),
                f.stallModel().spelling(), f.btm(), driver.btmActive(),
                f.hasHd() ? "HA_HD" : f.hasHa() ? "HA" : "none", f.ril(), f.oasBits(), f.asid16(), f.coherent(),
                f.gran4k(), f.aarch64(), driver.e2hActive(), f.msi(), f.sev(), f.stallMax());
        boolean twoLevel = driver.twoLevelStreamTable();
        IommuViews.StrtabView strtab = new IommuViews.StrtabView(twoLevel ? "2-level" : "linear",
                driver.streamTableSplit(), f.sidBits());
        IommuViews.CdTableView cds = new IommuViews.CdTableView(f.cd2l() && f.ssidBits() > 10 ? "2-level" : "linear", f.cd2l());
        return new IommuViews.Smmu(name, f.registers(), features, strtab, cds,
                new IommuViews.Sva(driver.svaGate().available(), driver.svaGate().reasons()), metrics());
    }

    /** The SMMU's counters (smmu.*) as name -> value, summed over tags. */
    private Map<String, Long> metrics() {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (Meter m : meters.getMeters()) {
            String n = m.getId().getName();
            if (!n.startsWith("smmu.")) {
                continue;
            }
            for (var sample : m.measure()) {
                if (sample.getStatistic().name().equals("COUNT") || sample.getStatistic().name().equals("VALUE")) {
                    sums.merge(n, sample.getValue(), Double::sum);
                }
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v.longValue()));
        return out;
    }
}
