package org.svafabric.iommu.hw.ste;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.fixture.Structures;

class SteCheckTest {
    private static final SmmuConfig SMMU = SmmuConfig.defaults();
    private static final Ste S1 = Structures.stage1Ste(0x1000, Ste.S1FMT_LINEAR, 4, Ste.S1DSS_SSID0, false, Ste.EATS_TRANS, Ste.STRW_NSEL1);

    @Test
    void aStage1SteIsLegal() {
        assertThat(SteCheck.illegal(S1, SMMU, false)).isNull();
    }

    @Test
    void stage2AndNestedConfigsAreIllegalWithoutS2P() {
        assertThat(SteCheck.illegal(S1.with(Ste.CONFIG, Ste.CONFIG_S2_TRANS), SMMU, false)).contains("stage 2");
        assertThat(SteCheck.illegal(S1.with(Ste.CONFIG, Ste.CONFIG_NESTED), SMMU, false)).contains("stage 2");
    }

    @Test
    void s1StalldIsIllegalUnlessTheStallModelIsConfigurable() {
        assertThat(SteCheck.illegal(S1.with(Ste.S1STALLD, true), SMMU, false)).isNull();
        SmmuConfig forced = SmmuConfig.builder().stallModel(StallModel.STALL_FORCED).build();
        SmmuConfig none = SmmuConfig.builder().stallModel(StallModel.TERMINATE_ONLY).build();
        assertThat(SteCheck.illegal(S1.with(Ste.S1STALLD, true), forced, false)).contains("S1STALLD");
        assertThat(SteCheck.illegal(S1.with(Ste.S1STALLD, true), none, false)).contains("S1STALLD");
    }

    @Test
    void s1CdMaxBeyondSsidSizeIsIllegal() {
        SmmuConfig small = SmmuConfig.builder().ssidBits(4).build();
        assertThat(SteCheck.illegal(S1.with(Ste.S1CDMAX, 4), small, false)).isNull();
        assertThat(SteCheck.illegal(S1.with(Ste.S1CDMAX, 5), small, false)).contains("S1CDMax");
    }

    @Test
    void twoLevelCdTablesNeedCd2l() {
        SmmuConfig noCd2l = SmmuConfig.builder().twoLevelCdTable(false).build();
        Ste twoLevel = Structures.stage1Ste(0x1000, Ste.S1FMT_64K_L2, 12, 0, false, 0, 0);
        assertThat(SteCheck.illegal(twoLevel, noCd2l, false)).contains("CD2L");
        assertThat(SteCheck.illegal(twoLevel, SMMU, false)).isNull();
    }

    @Test
    void splitStageAtsNeedsNestedTranslation() {
        assertThat(SteCheck.illegal(S1.with(Ste.EATS, Ste.EATS_S1CHK), SMMU, false)).contains("EATS");
    }

    @Test
    void strwEl2NeedsHypAndE2h() {
        SmmuConfig hyp = SmmuConfig.builder().hyp(true).build();
        assertThat(SteCheck.illegal(S1.with(Ste.STRW, Ste.STRW_EL2), hyp, true)).isNull();
        // §5.2: STRW = EL2 without SMMU_CR2.E2H is NS-EL2, legal (this used to be reported as ILLEGAL).
        assertThat(SteCheck.illegal(S1.with(Ste.STRW, Ste.STRW_EL2), hyp, false)).isNull();
        assertThat(SteCheck.illegal(S1.with(Ste.STRW, 0b01), hyp, true)).contains("reserved");
        assertThat(SteCheck.el2(S1.with(Ste.STRW, Ste.STRW_EL2), hyp)).isTrue();
        assertThat(SteCheck.el2(S1.with(Ste.STRW, Ste.STRW_EL2), SMMU)).as("STRW is RES0 without Hyp").isFalse();
    }

    @Test
    void abortAndBypassIgnoreTheStage1Fields() {
        Ste junk = S1.with(Ste.S1STALLD, true).with(Ste.EATS, Ste.EATS_S1CHK);
        SmmuConfig none = SmmuConfig.builder().stallModel(StallModel.TERMINATE_ONLY).build();
        assertThat(SteCheck.illegal(junk.with(Ste.CONFIG, Ste.CONFIG_BYPASS), none, false)).isNull();
        assertThat(SteCheck.illegal(junk.with(Ste.CONFIG, Ste.CONFIG_ABORT), none, false)).isNull();
    }

    @Test
    void effectiveEats() {
        assertThat(SteCheck.effectiveEats(S1, SMMU)).isEqualTo(Ste.EATS_TRANS);
        assertThat(SteCheck.effectiveEats(S1.with(Ste.EATS, Ste.EATS_DPT), SMMU)).as("DPT unimplemented: behaves as 0b00").isEqualTo(Ste.EATS_ABT);
        assertThat(SteCheck.effectiveEats(S1.with(Ste.CONFIG, Ste.CONFIG_BYPASS), SMMU)).isEqualTo(Ste.EATS_ABT);
        assertThat(SteCheck.effectiveEats(S1, SmmuConfig.builder().ats(false).pri(false).build())).isEqualTo(Ste.EATS_ABT);
    }
}
