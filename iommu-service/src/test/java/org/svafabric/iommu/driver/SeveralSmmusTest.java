package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.Topology;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.testing.FakePcieLink;
import org.svafabric.iommu.platform.SmmuRouter;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;

/**
 * Two SMMUs, each a full model with its own driver instance, under one catalog and one router: StreamIDs are per
 * SMMU, a device's calls reach only its SMMU, and an mm's invalidation reaches every SMMU with one of its devices.
 */
class SeveralSmmusTest {
    private static final Topology TOPOLOGY = Topology.load(new ByteArrayInputStream("""
            smmus: [ { name: smmu0 }, { name: smmu1, btm: true } ]
            """.getBytes(StandardCharsets.UTF_8)), "test");

    private final DriverHarness h0 = new DriverHarness(SmmuConfig.from(TOPOLOGY.smmus().get(0)), DriverSettings.defaults(), true);
    private final DriverHarness h1 = new DriverHarness(SmmuConfig.from(TOPOLOGY.smmus().get(1)),
            DriverSettings.defaults().withBtm(true), true);
    private final SmmuUnits units = new SmmuUnits(List.of(unit(0, h0), unit(1, h1)));
    private final List<String> added = new ArrayList<>();
    private final DeviceCatalog catalog = new DeviceCatalog(units, TOPOLOGY, (u, d) -> added.add(u.name() + " " + d.id()));
    private final SmmuRouter router = new SmmuRouter(units);

    private static SmmuUnit unit(int i, DriverHarness h) {
        return new SmmuUnit(TOPOLOGY.smmus().get(i), h.model, h.smmu, h.driver, null, null, Executors.newSingleThreadExecutor());
    }

    private static DeviceDescription behind(DeviceDescription d, String smmu) {
        return new DeviceDescription(d.id(), d.type(), d.sid(), d.pasid(), d.pri(), d.ats(), d.pasidNumBits(), d.dmaCanStall(),
                d.engine(), d.rootComplex(), smmu, null);
    }

    @Test
    void streamIdsArePerSmmuAndDeviceIdsAreGlobal() {
        Device p0 = catalog.add(behind(DriverHarness.platform("te0", 16, 8, true), "smmu0"));
        Device p1 = catalog.add(behind(DriverHarness.platform("te1", 16, 8, true), "smmu1"));
        assertThat(p0.sid()).isEqualTo(p1.sid());
        assertThat(units.of("te0").name()).isEqualTo("smmu0");
        assertThat(units.of("te1").name()).isEqualTo("smmu1");
        assertThat(h0.driver.masterBySid(16)).map(Master::id).hasValue("te0");
        assertThat(h1.driver.masterBySid(16)).map(Master::id).hasValue("te1");
        assertThat(added).containsExactly("smmu0 te0", "smmu1 te1");

        assertThat(catalog.add(behind(DriverHarness.platform("te1", 16, 8, true), "smmu1"))).as("the same description again").isEqualTo(p1);
        assertThatThrownBy(() -> catalog.add(behind(DriverHarness.platform("te1", 17, 8, true), "smmu0")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST))
                .hasMessageContaining("behind smmu1");
        assertThatThrownBy(() -> catalog.add(behind(DriverHarness.platform("te2", 16, 8, true), "smmu1")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("StreamID 0x10 is already used behind smmu1");
        assertThatThrownBy(() -> catalog.add(behind(DriverHarness.platform("te3", 18, 8, true), "smmu9")))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("smmu9");
    }

    @Test
    void aDevicesCallsReachOnlyItsSmmuAndAnInvalidationReachesEverySmmuWithADevice() {
        Device d0 = catalog.add(behind(DriverHarness.pci("0000:01:00.0", 20, true, true), "smmu0"));
        Device d1 = catalog.add(behind(DriverHarness.pci("0000:02:00.0", 16, true, true), "smmu1"));
        router.enableSva(d0, true);
        router.enableSva(d1, true);
        router.attach(d0, 5, 0x4000_0000L, 9, false);
        router.attach(d1, 5, 0x4000_0000L, 9, false);
        assertThat(h0.driver.validCdsOf(d0.id())).containsKey(5);
        assertThat(h1.driver.validCdsOf(d1.id())).containsKey(5);
        assertThat(h0.driver.masters()).extracting(Master::id).containsExactly(d0.id());

        h0.tlbis.clear();
        h1.tlbis.clear();
        h0.port.invalidations.clear();
        h1.port.invalidations.clear();
        router.invalidateRange(List.of(d0, d1), 5, 9, 0x7000_0000L, 0x7000_2000L, true);
        assertThat(h0.tlbis).as("smmu0 without BTM gets CMD_TLBI_NH_VA").isNotEmpty();
        assertThat(h1.tlbis).as("smmu1 took the CPU's broadcast TLBI: no command").isEmpty();
        assertThat(h0.port.invalidations).extracting(FakePcieLink.AtcInv::sid).containsOnly(d0.sid());
        assertThat(h1.port.invalidations).extracting(FakePcieLink.AtcInv::sid).containsOnly(d1.sid());
        assertThat(h0.port.invalidations).isNotEmpty();
        assertThat(h1.port.invalidations).isNotEmpty();

        router.detach(d1, 5, 9);
        assertThat(h1.driver.validCdsOf(d1.id())).doesNotContainKey(5);
        assertThat(h0.driver.validCdsOf(d0.id())).as("the other SMMU's context stays").containsKey(5);
        assertThat(units.named(null)).as("a call that names no SMMU means the first").isSameAs(units.named("smmu0"));
    }
}
