package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.Httu;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.StallModel;

class ArmSmmuV3ProbeTest {

    /**
     * The default fabric's IDR0, worked out from the field positions: S1P [1] 0x2, TTF [3:2] = 0b10 0x8,
     * COHACC [4] 0x10, HTTU [7:6] = 0b10 0x80, ATS [10] 0x400, ASID16 [12] 0x1000, MSI [13] 0x2000,
     * SEV [14] 0x4000, PRI [16] 0x10000, CD2L [19] 0x80000, TTENDIAN [22:21] = 0b10 0x400000,
     * ATSRECERR [23] 0x800000, ST_LVL [28:27] = 0b01 0x8000000.
     */
    @Test
    void idr0OfTheDefaultFabricDecodesToEveryFeature() {
        SmmuFeatures f = SmmuFeatures.decode(0x08C9749A, 0, 0, 0);
        assertThat(f.s1p()).isTrue();
        assertThat(f.aarch64()).isTrue();
        assertThat(f.coherent()).isTrue();
        assertThat(f.httu()).isEqualTo(2);
        assertThat(f.hasHd()).isTrue();
        assertThat(f.ats()).isTrue();
        assertThat(f.asid16()).isTrue();
        assertThat(f.msi()).isTrue();
        assertThat(f.sev()).isTrue();
        assertThat(f.pri()).isTrue();
        assertThat(f.cd2l()).isTrue();
        assertThat(f.twoLevelStrtab()).isTrue();
        assertThat(f.btm()).isFalse();
        assertThat(f.hyp()).isFalse();
        assertThat(f.stallModel()).isEqualTo(StallModel.STALL_AND_TERMINATE);
    }

    /**
     * IDR1 = CMDQS 8 [25:21] 0x1000000 | EVTQS 7 [20:16] 0x70000 | PRIQS 7 [15:11] 0x3800 | SSIDSIZE 20
     * [10:6] 0x500 | SIDSIZE 16 [5:0] 0x10; IDR3.RIL [10] 0x400; IDR5 = STALL_MAX 256 [31:16] 0x1000000 |
     * GRAN4K [4] 0x10 | OAS 0b101 = 48 bits.
     */
    @Test
    void idr1Idr3Idr5DecodeToSizes() {
        SmmuFeatures f = SmmuFeatures.decode(0, 0x01073D10, 0x400, 0x01000015);
        assertThat(f.cmdqs()).isEqualTo(8);
        assertThat(f.evtqs()).isEqualTo(7);
        assertThat(f.priqs()).isEqualTo(7);
        assertThat(f.ssidBits()).isEqualTo(20);
        assertThat(f.sidBits()).isEqualTo(16);
        assertThat(f.ril()).isTrue();
        assertThat(f.stallMax()).isEqualTo(256);
        assertThat(f.gran4k()).isTrue();
        assertThat(f.oasBits()).isEqualTo(48);
    }

    @Test
    void probeOfTheModelReadsItsIdRegistersAndEnablesEverything() {
        DriverHarness h = new DriverHarness();
        SmmuFeatures f = h.driver.features();
        assertThat(f.idr0()).isEqualTo(0x08C9749A);
        assertThat(f.ssidBits()).isEqualTo(20);
        assertThat(h.driver.svaGate().available()).isTrue();
        long cr0 = h.regs.read(SmmuReg.CR0);
        assertThat(Cr0.SMMUEN.isSet(cr0) && Cr0.CMDQEN.isSet(cr0) && Cr0.EVTQEN.isSet(cr0) && Cr0.PRIQEN.isSet(cr0)
                && Cr0.ATSCHK.isSet(cr0)).isTrue();
        assertThat(h.regs.read(SmmuReg.CR0ACK)).isEqualTo(cr0);
        // Reset invalidated every cached STE and TLB entry before enabling translation.
        assertThat(h.tlbis).isNotEmpty();
    }

    @Test
    void sixteenSidBitsGiveATwoLevelStreamTableWithSplitEight() {
        DriverHarness h = new DriverHarness();
        long cfg = h.regs.read(SmmuReg.STRTAB_BASE_CFG);
        // FMT [17:16] = 1, SPLIT [10:6] = 8, LOG2SIZE [5:0] = 16: 0x10000 | 0x200 | 0x10.
        assertThat(cfg).isEqualTo(0x10210L);
        assertThat(h.driver.twoLevelStreamTable()).isTrue();
    }

    @Test
    void eightSidBitsGiveALinearStreamTable() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().sidBits(8).build(), DriverSettings.defaults());
        // FMT 0, SPLIT 0, LOG2SIZE 8.
        assertThat(h.regs.read(SmmuReg.STRTAB_BASE_CFG)).isEqualTo(8L);
    }

    @Test
    void svaIsOfferedOnlyWithEveryRequirementAndSaysWhyNot() {
        SvaGate noSsid = new DriverHarness(SmmuConfig.builder().ssidBits(0).build(), DriverSettings.defaults()).driver.svaGate();
        assertThat(noSsid.available()).isFalse();
        assertThat(noSsid.reasons()).anyMatch(r -> r.startsWith("missing: SubstreamIDs"));

        SvaGate noFault = new DriverHarness(SmmuConfig.builder().pri(false).stallModel(StallModel.TERMINATE_ONLY).build(),
                DriverSettings.defaults()).driver.svaGate();
        assertThat(noFault.available()).isFalse();
        assertThat(noFault.reasons()).anyMatch(r -> r.startsWith("missing: a way to fault"));

        SvaGate smallOas = new DriverHarness(SmmuConfig.builder().oasBits(40).build(), DriverSettings.defaults()).driver.svaGate();
        assertThat(smallOas.available()).isFalse();
        assertThat(smallOas.reasons()).anyMatch(r -> r.startsWith("missing: output size 40"));

        SvaGate eightBitAsids = new DriverHarness(SmmuConfig.builder().asid16(false).build(), DriverSettings.defaults()).driver.svaGate();
        assertThat(eightBitAsids.available()).isFalse();

        SvaGate stallOnly = new DriverHarness(SmmuConfig.builder().pri(false).httu(Httu.NONE).build(), DriverSettings.defaults()).driver.svaGate();
        assertThat(stallOnly.available()).isTrue();
        assertThat(stallOnly.reasons()).anyMatch(r -> r.startsWith("info: no hardware access flag"));
    }

    @Test
    void ptmIsClearedOnlyWhenTheDriverUsesBtm() {
        DriverHarness without = new DriverHarness(SmmuConfig.builder().btm(true).build(), DriverSettings.defaults());
        assertThat(without.regs.read(SmmuReg.CR2) & 0b100).isEqualTo(0b100);
        DriverHarness with = new DriverHarness(SmmuConfig.builder().btm(true).build(), DriverSettings.defaults().withBtm(true));
        assertThat(with.regs.read(SmmuReg.CR2) & 0b100).isZero();
        assertThat(with.driver.btmActive()).isTrue();
    }
}
