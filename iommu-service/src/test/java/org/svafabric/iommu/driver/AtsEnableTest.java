package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.cmd.CmdAtcInv;
import org.svafabric.iommu.hw.testing.FakePcieLink;

/**
 * Enabling ATS flushes the endpoint's ATC first (Linux {@code arm_smmu_enable_ats}: "Flush the ATC before
 * enabling ATS"; IHI 0070 §3.9.1 and §4.5.1: CMD_ATC_INV then CMD_SYNC, which waits for the Invalidation
 * Completion). Translations the ATC kept from an earlier attach or from before an SMMU or endpoint reset must
 * not be usable under the new configuration.
 */
class AtsEnableTest {

    private static final int SID = 0x200;

    /** The whole-ATC invalidation: SSV = 0 (every PASID), Size = 52 (every address). */
    private static boolean wholeAtc(FakePcieLink.AtcInv inv) {
        return inv.sid() == SID && inv.ssid() == -1 && inv.log2Pages() == CmdAtcInv.SIZE_ALL;
    }

    @Test
    void probeOfAnAtsEndpointFlushesItsAtcSoAnSmmuResetLeavesNoStaleEntries() {
        DriverHarness h = new DriverHarness();
        h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true));
        assertThat(h.port.invalidations).anyMatch(AtsEnableTest::wholeAtc);
    }

    @Test
    void enablingAtsAtAttachInvalidatesTheWholeAtcBeforeTheEndpointTurnsAtsOn() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true));
        h.port.invalidations.clear();
        h.driver.enableSva(m.device, true);
        assertThat(h.atcInvalidationsAtAtsEnable).hasSize(1);
        assertThat(h.atcInvalidationsAtAtsEnable.get(0)).as("ATC_INV + SYNC completed before pci_enable_ats")
                .anyMatch(AtsEnableTest::wholeAtc);
    }

    @Test
    void reEnablingAtsAfterAnEndpointResetFlushesAgain() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.driver.resetDevice(m.device);
        h.port.invalidations.clear();
        h.driver.enableSva(m.device, true);
        assertThat(h.atcInvalidationsAtAtsEnable).hasSize(2);
        assertThat(h.atcInvalidationsAtAtsEnable.get(1)).anyMatch(AtsEnableTest::wholeAtc);
    }

    /**
     * v1 series patch 30 ("ACPI/IORT: Check ATS capability in root complex nodes"), Linux arm_smmu_ats_supported:
     * ATS needs the SMMU, the root complex (IORT's ATS attribute, IOMMU_FWSPEC_PCI_RC_ATS) and the endpoint. An ATS
     * endpoint below a root complex without ATS gets STE.EATS = 0b00 (its Translation Requests are refused with
     * F_BAD_ATS_TREQ, IHI 0070 §5.2 STE.EATS), no ATC flush and no ATS (nor PRI, which follows ATS) on the
     * endpoint: its DMA is translated by the SMMU.
     */
    @Test
    void anAtsEndpointBelowARootComplexWithoutAtsGetsNoAts() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true), false);
        assertThat(org.svafabric.iommu.hw.layout.Ste.EATS.get(h.driver.steOf(m.sid()))).isEqualTo(org.svafabric.iommu.hw.layout.Ste.EATS_ABT);
        h.driver.enableSva(m.device, true);
        assertThat(h.port.invalidations).as("no ATC to flush").isEmpty();
        assertThat(h.endpointCalls).containsExactly("enable 0000:02:00.0 pasid=true pri=false ats=false prs=32");

        DriverHarness below = new DriverHarness();
        Master ats = below.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true), true);
        assertThat(org.svafabric.iommu.hw.layout.Ste.EATS.get(below.driver.steOf(ats.sid()))).isEqualTo(org.svafabric.iommu.hw.layout.Ste.EATS_TRANS);
    }

    @Test
    void anEndpointWithoutAtsGetsNoAtcInvalidation() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, false, false));
        h.driver.enableSva(m.device, false);
        assertThat(h.port.invalidations).isEmpty();
        assertThat(h.atcInvalidationsAtAtsEnable).isEqualTo(List.of());
    }
}
