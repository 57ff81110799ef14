package org.svafabric.iommu.hw.cd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CD golden values, each expected word written by hand from the field positions of IHI 0070 §5.4. */
class ContextDescriptorTest {
    private static final ContextDescriptor Z = ContextDescriptor.INVALID;

    private static ContextDescriptor cd(int t0sz, int tg0, int ir0, int or0, int sh0) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, false, false, false, false, 0, false, false, false,
                false, false, false, false, false, false, 0, 0, 0);
    }

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("T0SZ 39 [5:0]", Z.withT0sz(39), 0, 0x27L),
                Arguments.of("TG0 0b10 [7:6]", Z.withTg0(0b10), 0, 0x80L),
                Arguments.of("IR0 0b01 [9:8]", cd(0, 0, 0b01, 0, 0), 0, 0x100L),
                Arguments.of("OR0 0b01 [11:10]", cd(0, 0, 0, 0b01, 0), 0, 0x400L),
                Arguments.of("SH0 0b11 [13:12]", cd(0, 0, 0, 0, 0b11), 0, 0x3000L),
                Arguments.of("EPD0 [14]", Z.withEpd0(true), 0, 0x4000L),
                Arguments.of("ENDI [15]", Z.withEndi(true), 0, 0x8000L),
                Arguments.of("EPD1 [30]", new ContextDescriptor(0, 0, 0, 0, 0, false, false, true, false, 0, false, false,
                        false, false, false, false, false, false, false, 0, 0, 0), 0, 0x4000_0000L),
                Arguments.of("V [31]", Z.withValid(true), 0, 0x8000_0000L),
                Arguments.of("IPS 0b101 [34:32]", Z.withIps(0b101), 0, 0x5_0000_0000L),
                Arguments.of("AFFD [35]", Z.withAffd(true), 0, 0x8_0000_0000L),
                Arguments.of("TBI0 [38]", Z.withTbi0(true), 0, 0x40_0000_0000L),
                Arguments.of("AA64 [41]", Z.withAa64(true), 0, 0x200_0000_0000L),
                Arguments.of("HD [42]", Z.withHttu(false, true), 0, 0x400_0000_0000L),
                Arguments.of("HA [43]", Z.withHttu(true, false), 0, 0x800_0000_0000L),
                Arguments.of("S [44]", Z.withFaultConfig(false, false, true), 0, 0x1000_0000_0000L),
                Arguments.of("R [45]", Z.withFaultConfig(false, true, false), 0, 0x2000_0000_0000L),
                Arguments.of("A [46]", Z.withFaultConfig(true, false, false), 0, 0x4000_0000_0000L),
                Arguments.of("ASET [47]", Z.withAset(true), 0, 0x8000_0000_0000L),
                Arguments.of("ASID 0xBEEF [63:48]", Z.withAsid(0xBEEF), 0, 0xBEEF_0000_0000_0000L),
                Arguments.of("TTB0 [115:68] = word 1 [51:4]", Z.withTtb0(0x000f_ffff_ffff_fff0L), 1, 0x000f_ffff_ffff_fff0L),
                Arguments.of("MAIR [255:192] = word 3", new ContextDescriptor(0, 0, 0, 0, 0, false, false, false, false, 0,
                        false, false, false, false, false, false, false, false, false, 0, 0, 0xff44_0c04_0400_ff04L), 3, 0xff44_0c04_0400_ff04L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleFields")
    void eachFieldEncodesAtItsArchitecturalPositionAndDecodesBack(String field, ContextDescriptor cd, int word, long expected) {
        long[] w = cd.encode();
        for (int i = 0; i < Cd.WORDS; i++) {
            assertThat(w[i]).as(field + " word " + i).isEqualTo(i == word ? expected : 0L);
        }
        assertThat(ContextDescriptor.decode(w)).isEqualTo(cd);
    }

    @Test
    void theSharedSvaCdHasTheseWords() {
        ContextDescriptor cd = ContextDescriptor.shared(0x4_0000_1000L, 5, 0b101, true, true, false, 0x44ff04L);
        long[] w = cd.encode();
        // T0SZ 16 = 0x10 | IR0 0b01 << 8 = 0x100 | OR0 0b01 << 10 = 0x400 | SH0 0b11 << 12 = 0x3000 | EPD1 0x4000_0000
        // | V 0x8000_0000 | IPS 0b101 << 32 = 0x5_0000_0000 | AA64 0x200_0000_0000 | HD 0x400_0000_0000
        // | HA 0x800_0000_0000 | R 0x2000_0000_0000 | A 0x4000_0000_0000 | ASID 5 << 48
        assertThat(w[0]).isEqualTo(0x0005_6E05_C000_3510L);
        assertThat(w[1]).isEqualTo(0x4_0000_1000L);
        assertThat(w[2]).isZero();
        assertThat(w[3]).isEqualTo(0x44ff04L);
    }

    @Test
    void l1CdValidAndPointer() {
        // V [0] | L2Ptr [55:12]
        assertThat(L1Cd.encode(0x12_3456_7000L)).isEqualTo(0x12_3456_7001L);
    }
}
