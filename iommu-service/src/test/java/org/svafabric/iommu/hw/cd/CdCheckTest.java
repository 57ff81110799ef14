package org.svafabric.iommu.hw.cd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.regs.Httu;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.regs.StallModel;

class CdCheckTest {
    private static final SmmuConfig SMMU = SmmuConfig.defaults();
    private static final ContextDescriptor SVA = ContextDescriptor.shared(0x4000_0000L, 7, 0b101, true, true, false, 0);

    @Test
    void theSharedCdIsLegal() {
        assertThat(CdCheck.illegal(SVA, false, SMMU)).isNull();
    }

    @Test
    void aa64ZeroIsIllegal() {
        assertThat(CdCheck.illegal(SVA.withAa64(false), false, SMMU)).contains("AA64");
    }

    @Test
    void granulesOtherThan4kAreIllegalUnlessTtb0WalksAreDisabled() {
        assertThat(CdCheck.illegal(SVA.withTg0(Cd.TG0_64K), false, SMMU)).contains("TG0");
        assertThat(CdCheck.illegal(SVA.withTg0(0b11), false, SMMU)).contains("TG0");
        assertThat(CdCheck.illegal(SVA.withTg0(Cd.TG0_64K).withEpd0(true), false, SMMU)).isNull();
    }

    @Test
    void t0szOutside16To39IsIllegal() {
        assertThat(CdCheck.illegal(SVA.withT0sz(16), false, SMMU)).isNull();
        assertThat(CdCheck.illegal(SVA.withT0sz(39), false, SMMU)).isNull();
        assertThat(CdCheck.illegal(SVA.withT0sz(15), false, SMMU)).contains("T0SZ");
        assertThat(CdCheck.illegal(SVA.withT0sz(40), false, SMMU)).contains("T0SZ");
    }

    @Test
    void ttb0BeyondTheEffectiveIpsIsIllegal() {
        assertThat(CdCheck.illegal(SVA.withIps(0b010).withTtb0(1L << 40), false, SMMU)).contains("TTB0");
        assertThat(CdCheck.illegal(SVA.withIps(0b010).withTtb0((1L << 40) - 4096), false, SMMU)).isNull();
        SmmuConfig oas36 = SmmuConfig.builder().oasBits(36).build();
        assertThat(CdCheck.illegal(SVA.withTtb0(1L << 36), false, oas36)).as("IPS capped by OAS").contains("TTB0");
    }

    @Test
    void httuFlagsBeyondIdr0HttuAreIllegal() {
        SmmuConfig none = SmmuConfig.builder().httu(Httu.NONE).build();
        SmmuConfig ha = SmmuConfig.builder().httu(Httu.HA).build();
        assertThat(CdCheck.illegal(SVA.withHttu(true, false), false, none)).contains("HA");
        assertThat(CdCheck.illegal(SVA.withHttu(true, true), false, ha)).contains("HD");
        assertThat(CdCheck.illegal(SVA.withHttu(true, false), false, ha)).isNull();
    }

    @Test
    void sixteenBitAsidNeedsAsid16() {
        SmmuConfig asid8 = SmmuConfig.builder().asid16(false).build();
        assertThat(CdCheck.illegal(SVA.withAsid(0x100), false, asid8)).contains("ASID");
        assertThat(CdCheck.illegal(SVA.withAsid(0xff), false, asid8)).isNull();
    }

    @Test
    void bigEndianWalksAreIllegal() {
        assertThat(CdCheck.illegal(SVA.withEndi(true), false, SMMU)).contains("ENDI");
    }

    @Test
    void stallConfigurationFollowsTheStallModel() {
        ContextDescriptor stalling = SVA.withFaultConfig(true, true, true);
        assertThat(CdCheck.illegal(stalling, false, SMMU)).isNull();
        assertThat(CdCheck.illegal(stalling, true, SMMU)).as("S = 1 through S1STALLD = 1").contains("S1STALLD");
        assertThat(CdCheck.illegal(stalling, false, SmmuConfig.builder().stallModel(StallModel.TERMINATE_ONLY).build())).contains("no stall");
        assertThat(CdCheck.illegal(SVA, false, SmmuConfig.builder().stallModel(StallModel.STALL_FORCED).build())).contains("forced");
    }
}
