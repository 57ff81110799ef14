package org.svafabric.device.pcie;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Golden values worked out from the PCIe register layouts (Linux pci_regs.h): PASID Capability
 * Exec bit 1, Priv bit 2, Max PASID Width [12:8]; PASID Control Enable bit 0; ATS Capability
 * Invalidate Queue Depth [4:0], Page Aligned Request bit 5; ATS Control STU [4:0], Enable bit 15;
 * PRI Control Enable bit 0, Reset bit 1; PRI Status RF bit 0, UPRGI bit 1, Stopped bit 8,
 * PRG Response PASID Required bit 15.
 */
class CapabilityRegistersTest {

    @Test
    void pasidCapabilityOfTwentyBitsWithExecuteIs0x1402() {
        PasidCapability p = new PasidCapability(20, true, false);
        assertThat(p.capabilityRegister()).isEqualTo(0x1402);
        assertThat(p.maxWidth()).isEqualTo(20);
    }

    @Test
    void enablingPasidSetsEnableAndOnlyTheSupportedModes() {
        PasidCapability p = new PasidCapability(16, true, false);
        p.enable(true);
        assertThat(p.controlRegister()).isEqualTo(0x0003);
        p.enable(false);
        assertThat(p.controlRegister()).isZero();
    }

    @Test
    void atsQueueDepthThirtyTwoIsEncodedAsZero() {
        AtsCapability a = new AtsCapability(32);
        assertThat(a.capabilityRegister()).isEqualTo(0x0020);
        assertThat(a.invalidateQueueDepth()).isEqualTo(32);
        assertThat(new AtsCapability(16).capabilityRegister()).isEqualTo(0x0030);
    }

    @Test
    void atsEnabledWithA4KiBUnitIs0x8000AndWith64KiB0x8004() {
        AtsCapability a = new AtsCapability(32);
        a.enable(true, 12);
        assertThat(a.controlRegister()).isEqualTo(0x8000);
        a.enable(true, 16);
        assertThat(a.controlRegister()).isEqualTo(0x8004);
        assertThat(a.stuShift()).isEqualTo(16);
    }

    @Test
    void priStatusAfterResponseFailureWhileDisabledIsRfStoppedAndPasidRequired() {
        PriCapability p = new PriCapability(32, true);
        p.enable(8);
        assertThat(p.controlRegister()).isEqualTo(0x0001);
        assertThat(p.statusRegister(3)).isEqualTo(0x8000);
        p.recordResponseFailure();
        p.disable();
        assertThat(p.statusRegister(0)).isEqualTo(0x8101);
        p.recordUnexpectedPrgIndex();
        assertThat(p.statusRegister(1)).isEqualTo(0x8003);
    }

    @Test
    void enablingPriCapsTheAllocationAtTheCapacityAndClearsResponseFailure() {
        PriCapability p = new PriCapability(16, false);
        p.recordResponseFailure();
        p.enable(100);
        assertThat(p.allocation()).isEqualTo(16);
        assertThat(p.responseFailure()).isFalse();
        assertThat(p.mayRequest()).isTrue();
    }
}
