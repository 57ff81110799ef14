package org.svafabric.iommu.hw.cd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.layout.Httu;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.fixture.Structures;

class CdCheckTest {
    private static final SmmuConfig SMMU = SmmuConfig.defaults();
    private static final Cd SVA = Structures.sharedCd(0x4000_0000L, 7, 0b101, true, true, false, 0);

    @Test
    void theSharedCdIsLegal() {
        assertThat(CdCheck.illegal(SVA, false, SMMU)).isNull();
    }

    @Test
    void aa64ZeroIsIllegal() {
        assertThat(CdCheck.illegal(SVA.with(Cd.AA64, false), false, SMMU)).contains("AA64");
    }

    @Test
    void granulesOtherThan4kAreIllegalUnlessTtb0WalksAreDisabled() {
        assertThat(CdCheck.illegal(SVA.with(Cd.TG0, Cd.TG0_64K), false, SMMU)).contains("TG0");
        assertThat(CdCheck.illegal(SVA.with(Cd.TG0, 0b11), false, SMMU)).contains("TG0");
        assertThat(CdCheck.illegal(SVA.with(Cd.TG0, Cd.TG0_64K).with(Cd.EPD0, true), false, SMMU)).isNull();
    }

    @Test
    void t0szOutside16To39IsIllegal() {
        assertThat(CdCheck.illegal(SVA.with(Cd.T0SZ, 16), false, SMMU)).isNull();
        assertThat(CdCheck.illegal(SVA.with(Cd.T0SZ, 39), false, SMMU)).isNull();
        assertThat(CdCheck.illegal(SVA.with(Cd.T0SZ, 15), false, SMMU)).contains("T0SZ");
        assertThat(CdCheck.illegal(SVA.with(Cd.T0SZ, 40), false, SMMU)).contains("T0SZ");
    }

    @Test
    void ttb0BeyondTheEffectiveIpsIsIllegal() {
        assertThat(CdCheck.illegal(SVA.with(Cd.IPS, 0b010).withAddress(Cd.TTB0, 1L << 40), false, SMMU)).contains("TTB0");
        assertThat(CdCheck.illegal(SVA.with(Cd.IPS, 0b010).withAddress(Cd.TTB0, (1L << 40) - 4096), false, SMMU)).isNull();
        SmmuConfig oas36 = SmmuConfig.builder().oasBits(36).build();
        assertThat(CdCheck.illegal(SVA.withAddress(Cd.TTB0, 1L << 36), false, oas36)).as("IPS capped by OAS").contains("TTB0");
    }

    @Test
    void httuFlagsBeyondIdr0HttuAreIllegal() {
        SmmuConfig none = SmmuConfig.builder().httu(Httu.NONE).build();
        SmmuConfig ha = SmmuConfig.builder().httu(Httu.HA).build();
        assertThat(CdCheck.illegal(SVA.with(Cd.HA, true).with(Cd.HD, false), false, none)).contains("HA");
        assertThat(CdCheck.illegal(SVA.with(Cd.HA, true).with(Cd.HD, true), false, ha)).contains("HD");
        assertThat(CdCheck.illegal(SVA.with(Cd.HA, true).with(Cd.HD, false), false, ha)).isNull();
    }

    @Test
    void sixteenBitAsidNeedsAsid16() {
        SmmuConfig asid8 = SmmuConfig.builder().asid16(false).build();
        assertThat(CdCheck.illegal(SVA.with(Cd.ASID, 0x100), false, asid8)).contains("ASID");
        assertThat(CdCheck.illegal(SVA.with(Cd.ASID, 0xff), false, asid8)).isNull();
    }

    @Test
    void bigEndianWalksAreIllegal() {
        assertThat(CdCheck.illegal(SVA.with(Cd.ENDI, true), false, SMMU)).contains("ENDI");
    }

    @Test
    void stallConfigurationFollowsTheStallModel() {
        Cd stalling = SVA.with(Cd.A, true).with(Cd.R, true).with(Cd.S, true);
        assertThat(CdCheck.illegal(stalling, false, SMMU)).isNull();
        assertThat(CdCheck.illegal(stalling, true, SMMU)).as("S = 1 through S1STALLD = 1").contains("S1STALLD");
        assertThat(CdCheck.illegal(stalling, false, SmmuConfig.builder().stallModel(StallModel.TERMINATE_ONLY).build())).contains("no stall");
        assertThat(CdCheck.illegal(SVA, false, SmmuConfig.builder().stallModel(StallModel.STALL_FORCED).build())).contains("forced");
    }
}
