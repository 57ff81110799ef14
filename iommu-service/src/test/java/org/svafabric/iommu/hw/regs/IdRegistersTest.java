package org.svafabric.iommu.hw.regs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.svafabric.api.topology.SmmuDescription;
import org.svafabric.iommu.hw.layout.Httu;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Idr5;
import org.svafabric.iommu.hw.layout.Idr0;

/**
 * ID register golden values, worked out by hand from IHI 0070 §6.3.1-6.3.6 field positions (see the sums in
 * each test), not from the encoder.
 */
class IdRegistersTest {

    @Test
    void defaultSmmuReportsStage1AArch64AtsPriHttuAndTwoLevelTables() {
        IdRegisters id = IdRegisters.of(SmmuConfig.defaults());
        // S1P bit1 0x2 | TTF=0b10 [3:2] 0x8 | COHACC bit4 0x10 | HTTU=0b10 [7:6] 0x80 | ATS bit10 0x400
        // | ASID16 bit12 0x1000 | MSI bit13 0x2000 | SEV bit14 0x4000 | PRI bit16 0x1_0000 | CD2L bit19 0x8_0000
        // | TTENDIAN=0b10 [22:21] 0x40_0000 | ATSRECERR bit23 0x80_0000 | STALL_MODEL=0 | ST_LEVEL=0b01 [28:27] 0x800_0000
        assertThat(id.idr0()).isEqualTo(0x08C9_749A);
        // SIDSIZE 16 = 0x10 | SSIDSIZE 20 << 6 = 0x500 | PRIQS 7 << 11 = 0x3800 | EVTQS 7 << 16 = 0x7_0000 | CMDQS 8 << 21 = 0x100_0000
        assertThat(id.idr1()).isEqualTo(0x0107_3D10);
        // RIL bit10
        assertThat(id.idr3()).isEqualTo(0x400);
        // OAS 48 bits = 0b101 | GRAN4K bit4 0x10 | STALL_MAX 256 << 16
        assertThat(id.idr5()).isEqualTo(0x0100_0015);
    }

    @Test
    void forcedStallHaOnlyBtmHypAndNoAtsShowInTheirFields() {
        SmmuConfig c = SmmuConfig.builder().stallModel(StallModel.STALL_FORCED).httu(Httu.HA).btm(true).hyp(true)
                .ats(false).pri(false).ril(false).twoLevelStreamTable(false).twoLevelCdTable(false)
                .oasBits(40).sidBits(8).ssidBits(0).stallMax(16).build();
        IdRegisters id = IdRegisters.of(c);
        // S1P 0x2 | TTF 0x8 | COHACC 0x10 | BTM bit5 0x20 | HTTU=0b01 0x40 | Hyp bit9 0x200 | ASID16 0x1000
        // | MSI 0x2000 | SEV 0x4000 | TTENDIAN 0x40_0000 | STALL_MODEL=0b10 [25:24] 0x200_0000
        assertThat(id.idr0()).isEqualTo(0x0240_727A);
        // SIDSIZE 8 | SSIDSIZE 0 | PRIQS 0 (no PRI) | EVTQS 7 << 16 | CMDQS 8 << 21
        assertThat(id.idr1()).isEqualTo(0x0107_0008);
        assertThat(id.idr3()).isZero();
        // OAS 40 bits = 0b010 | GRAN4K 0x10 | STALL_MAX 16 << 16
        assertThat(id.idr5()).isEqualTo(0x0010_0012);
    }

    @Test
    void terminateOnlySmmuReportsNoStallMax() {
        IdRegisters id = IdRegisters.of(SmmuConfig.builder().stallModel(StallModel.TERMINATE_ONLY).build());
        assertThat(Idr0.STALL_MODEL.get(id.idr0())).isEqualTo(0b01);
        assertThat(Idr5.STALL_MAX.get(id.idr5())).isZero();
    }

    @Test
    void configFromTheTopologyDescription() {
        SmmuDescription d = new SmmuDescription("smmu1", 12, 10, true, false, "terminate", true, "HA", false, 44,
                null, false, null, null, true, 9, 8, 6, 512, 8);
        SmmuConfig c = SmmuConfig.from(d);
        assertThat(c.sidBits()).isEqualTo(12);
        assertThat(c.ssidBits()).isEqualTo(10);
        assertThat(c.pri()).isFalse();
        assertThat(c.stallModel()).isEqualTo(StallModel.TERMINATE_ONLY);
        assertThat(c.btm()).isTrue();
        assertThat(c.httu()).isEqualTo(Httu.HA);
        assertThat(c.ril()).isFalse();
        assertThat(c.oasBits()).isEqualTo(44);
        assertThat(c.asid16()).isFalse();
        assertThat(c.hyp()).isTrue();
        assertThat(c.cmdqLog2()).isEqualTo(9);
        assertThat(c.tlbEntries()).isEqualTo(512);
        assertThat(c.tlbWays()).isEqualTo(8);
    }

    @Test
    void impossibleConfigurationsAreRefused() {
        assertThatThrownBy(() -> SmmuConfig.builder().oasBits(47).build()).hasMessageContaining("oasBits");
        assertThatThrownBy(() -> SmmuConfig.builder().tlbEntries(10).tlbWays(4).build()).hasMessageContaining("tlbEntries");
        assertThatThrownBy(() -> SmmuConfig.builder().ats(false).pri(true).build()).hasMessageContaining("PRI requires ATS");
    }
}
