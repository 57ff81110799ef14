package org.svafabric.iommu.hw.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The STE layout: every field alone at its position, each expected word written by hand from IHI 0070 §5.2
 * (STE bit 64*w + b is bit b of word w). The driver's STEs are tested in {@code driver.ContextAndStreamTableTest}.
 */
class SteTest {

    private static final Ste ZERO = Ste.INVALID;

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("V [0]", ZERO.with(Ste.V, true), 0, 0x1L),
                Arguments.of("Config bypass 0b100 [3:1]", ZERO.with(Ste.CONFIG, 0b100), 0, 0x8L),
                Arguments.of("Config S1 0b101 [3:1]", ZERO.with(Ste.CONFIG, 0b101), 0, 0xAL),
                Arguments.of("S1Fmt 0b10 [5:4]", ZERO.with(Ste.S1FMT, 0b10), 0, 0x20L),
                Arguments.of("S1ContextPtr [55:6]", ZERO.withAddress(Ste.S1_CONTEXT_PTR, 0x00ff_ffff_ffff_ffc0L), 0, 0x00ff_ffff_ffff_ffc0L),
                Arguments.of("S1CDMax 31 [63:59]", ZERO.with(Ste.S1CDMAX, 31), 0, 0xf800_0000_0000_0000L),
                Arguments.of("S1DSS 0b10 [65:64]", ZERO.with(Ste.S1DSS, 0b10), 1, 0x2L),
                Arguments.of("S1CIR 0b11 [67:66]", ZERO.with(Ste.S1CIR, 0b11), 1, 0xCL),
                Arguments.of("S1COR 0b11 [69:68]", ZERO.with(Ste.S1COR, 0b11), 1, 0x30L),
                Arguments.of("S1CSH 0b11 [71:70]", ZERO.with(Ste.S1CSH, 0b11), 1, 0xC0L),
                Arguments.of("PPAR [82]", ZERO.with(Ste.PPAR, true), 1, 0x4_0000L),
                Arguments.of("S1STALLD [91]", ZERO.with(Ste.S1STALLD, true), 1, 0x800_0000L),
                Arguments.of("EATS 0b11 [93:92]", ZERO.with(Ste.EATS, 0b11), 1, 0x3000_0000L),
                Arguments.of("STRW 0b10 [95:94]", ZERO.with(Ste.STRW, 0b10), 1, 0x8000_0000L),
                Arguments.of("SHCFG 0b11 [109:108]", ZERO.with(Ste.SHCFG, 0b11), 1, 0x3000_0000_0000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleFields")
    void eachFieldEncodesAtItsArchitecturalPositionAndDecodesBack(String field, Ste ste, int word, long expected) {
        long[] w = ste.words();
        for (int i = 0; i < Ste.WORDS; i++) {
            assertThat(w[i]).as(field + " word " + i).isEqualTo(i == word ? expected : 0L);
        }
        assertThat(Ste.decode(w)).isEqualTo(ste);
    }

    @Test
    void decodingHandWrittenWordsGivesTheFields() {
        long[] w = new long[Ste.WORDS];
        w[0] = 0x2800_0000_4000_0009L; // S1CDMax 5, S1ContextPtr 0x4000_0000, Config 0b100, V
        w[1] = 0x0000_0000_2000_0001L; // EATS 0b10, S1DSS bypass
        Ste ste = Ste.decode(w);
        assertThat(ste.valid()).isTrue();
        assertThat(ste.get(Ste.CONFIG)).isEqualTo(Ste.CONFIG_BYPASS);
        assertThat(ste.bypasses()).isTrue();
        assertThat(ste.address(Ste.S1_CONTEXT_PTR)).isEqualTo(0x4000_0000L);
        assertThat(ste.get(Ste.S1CDMAX)).isEqualTo(5);
        assertThat(ste.get(Ste.EATS)).isEqualTo(Ste.EATS_S1CHK);
        assertThat(ste.get(Ste.S1DSS)).isEqualTo(Ste.S1DSS_BYPASS);
    }

    @Test
    void withLeavesTheOriginalUntouched() {
        Ste v = ZERO.with(Ste.V, true);
        assertThat(ZERO.valid()).isFalse();
        assertThat(v.valid()).isTrue();
    }

    @Test
    void reservedConfigsBehaveAsAbort() {
        for (int c = 0; c < 4; c++) {
            assertThat(ZERO.with(Ste.V, true).with(Ste.CONFIG, c).aborts()).isTrue();
        }
        assertThat(ZERO.with(Ste.CONFIG, Ste.CONFIG_S1_TRANS).aborts()).isFalse();
    }

    @Test
    void l1StreamTableDescriptorSpanAndPointer() {
        // Span 9 [4:0] | L2Ptr 0x8_0000_4000 [55:6]
        assertThat(L1Std.encode(9, 0x8_0000_4000L)).isEqualTo(0x0000_0008_0000_4009L);
        assertThat(L1Std.steCount(0x0000_0008_0000_4009L)).isEqualTo(256);
        assertThat(L1Std.steCount(0)).isZero();
        assertThat(L1Std.steCount(12)).as("reserved Span behaves as 0").isZero();
    }
}
