package org.svafabric.iommu.hw.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CD layout: each field alone, each expected word written by hand from IHI 0070 §5.4. The driver's CDs
 * are tested in {@code driver.ContextAndStreamTableTest}.
 */
class CdTest {
    private static final Cd Z = Cd.INVALID;

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("T0SZ 39 [5:0]", Z.with(Cd.T0SZ, 39), 0, 0x27L),
                Arguments.of("TG0 0b10 [7:6]", Z.with(Cd.TG0, 0b10), 0, 0x80L),
                Arguments.of("IR0 0b01 [9:8]", Z.with(Cd.IR0, 0b01), 0, 0x100L),
                Arguments.of("OR0 0b01 [11:10]", Z.with(Cd.OR0, 0b01), 0, 0x400L),
                Arguments.of("SH0 0b11 [13:12]", Z.with(Cd.SH0, 0b11), 0, 0x3000L),
                Arguments.of("EPD0 [14]", Z.with(Cd.EPD0, true), 0, 0x4000L),
                Arguments.of("ENDI [15]", Z.with(Cd.ENDI, true), 0, 0x8000L),
                Arguments.of("EPD1 [30]", Z.with(Cd.EPD1, true), 0, 0x4000_0000L),
                Arguments.of("V [31]", Z.with(Cd.V, true), 0, 0x8000_0000L),
                Arguments.of("IPS 0b101 [34:32]", Z.with(Cd.IPS, 0b101), 0, 0x5_0000_0000L),
                Arguments.of("AFFD [35]", Z.with(Cd.AFFD, true), 0, 0x8_0000_0000L),
                Arguments.of("WXN [36]", Z.with(Cd.WXN, true), 0, 0x10_0000_0000L),
                Arguments.of("UWXN [37]", Z.with(Cd.UWXN, true), 0, 0x20_0000_0000L),
                Arguments.of("TBI0 [38]", Z.with(Cd.TBI0, true), 0, 0x40_0000_0000L),
                Arguments.of("TBI1 [39]", Z.with(Cd.TBI1, true), 0, 0x80_0000_0000L),
                Arguments.of("PAN [40]", Z.with(Cd.PAN, true), 0, 0x100_0000_0000L),
                Arguments.of("AA64 [41]", Z.with(Cd.AA64, true), 0, 0x200_0000_0000L),
                Arguments.of("HD [42]", Z.with(Cd.HD, true), 0, 0x400_0000_0000L),
                Arguments.of("HA [43]", Z.with(Cd.HA, true), 0, 0x800_0000_0000L),
                Arguments.of("S [44]", Z.with(Cd.S, true), 0, 0x1000_0000_0000L),
                Arguments.of("R [45]", Z.with(Cd.R, true), 0, 0x2000_0000_0000L),
                Arguments.of("A [46]", Z.with(Cd.A, true), 0, 0x4000_0000_0000L),
                Arguments.of("ASET [47]", Z.with(Cd.ASET, true), 0, 0x8000_0000_0000L),
                Arguments.of("ASID 0xBEEF [63:48]", Z.with(Cd.ASID, 0xBEEF), 0, 0xBEEF_0000_0000_0000L),
                Arguments.of("TTB0 [115:68] = word 1 [51:4]", Z.withAddress(Cd.TTB0, 0x000f_ffff_ffff_fff0L), 1, 0x000f_ffff_ffff_fff0L),
                Arguments.of("MAIR [255:192] = word 3", Z.with(Cd.MAIR, 0xff44_0c04_0400_ff04L), 3, 0xff44_0c04_0400_ff04L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleFields")
    void eachFieldEncodesAtItsArchitecturalPositionAndDecodesBack(String field, Cd cd, int word, long expected) {
        long[] w = cd.words();
        for (int i = 0; i < Cd.WORDS; i++) {
            assertThat(w[i]).as(field + " word " + i).isEqualTo(i == word ? expected : 0L);
        }
        assertThat(Cd.decode(w)).isEqualTo(cd);
    }

    @Test
    void l1CdValidAndPointer() {
        // V [0] | L2Ptr [55:12]
        assertThat(L1Cd.encode(0x12_3456_7000L)).isEqualTo(0x12_3456_7001L);
    }

    /**
     * IHI 0070 §5.4, a CD word 0 with every permission control set: WXN [36] | UWXN [37] | TBI0 [38] | TBI1 [39]
     * | PAN [40] | AA64 [41] | V [31] = 0x3f8_8000_0000; the model's stage-1 context decodes each.
     */
    @Test
    void ihi0070s54_wxnPanTbi1AreDecodedWhereTheCdIsRead() {
        Cd cd = Cd.decode(new long[] {0x0000_03f8_8000_0010L, 0, 0, 0, 0, 0, 0, 0});
        assertThat(cd.isSet(Cd.WXN)).isTrue();
        assertThat(cd.isSet(Cd.UWXN)).isTrue();
        assertThat(cd.isSet(Cd.TBI1)).isTrue();
        assertThat(cd.isSet(Cd.PAN)).isTrue();
        org.svafabric.iommu.hw.walker.Stage1Context el1 = org.svafabric.iommu.hw.walker.Stage1Context.of(cd, false,
                org.svafabric.iommu.hw.regs.SmmuConfig.defaults());
        assertThat(el1.wxn()).isTrue();
        assertThat(el1.pan()).isTrue();
        assertThat(el1.tbi0()).isTrue();
        assertThat(el1.tbi1()).isTrue();
        org.svafabric.iommu.hw.walker.Stage1Context nsEl2 = org.svafabric.iommu.hw.walker.Stage1Context.of(cd, true, false,
                org.svafabric.iommu.hw.regs.SmmuConfig.defaults());
        assertThat(nsEl2.pan()).as("NS-EL2: every access is privileged, PAN is IGNORED").isFalse();
        assertThat(nsEl2.tbi1()).as("TBI1 is RES0 in the EL2 StreamWorlds").isFalse();
    }
}
