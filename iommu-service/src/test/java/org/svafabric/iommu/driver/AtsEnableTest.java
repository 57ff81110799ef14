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

    @Test
    void anEndpointWithoutAtsGetsNoAtcInvalidation() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, false, false));
        h.driver.enableSva(m.device, false);
        assertThat(h.port.invalidations).isEmpty();
        assertThat(h.atcInvalidationsAtAtsEnable).isEqualTo(List.of());
    }
}
