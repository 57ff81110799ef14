package org.svafabric.iommu.hw.ste;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * STE golden values: every field alone, then a whole entry, each expected word written by hand from the
 * field positions of IHI 0070 §5.2 (STE bit 64*w + b is bit b of word w).
 */
class StreamTableEntryTest {

    private static final StreamTableEntry ZERO = StreamTableEntry.INVALID;

    private static StreamTableEntry with(java.util.function.UnaryOperator<long[]> f) {
        return StreamTableEntry.decode(f.apply(new long[Ste.WORDS]));
    }

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("V [0]", ZERO.withValid(true), 0, 0x1L),
                Arguments.of("Config bypass 0b100 [3:1]", ZERO.withConfig(0b100), 0, 0x8L),
                Arguments.of("Config S1 0b101 [3:1]", ZERO.withConfig(0b101), 0, 0xAL),
                Arguments.of("S1Fmt 0b10 [5:4]", new StreamTableEntry(false, 0, 0b10, 0, 0, 0, 0, 0, 0, false, false, 0, 0, 0), 0, 0x20L),
                Arguments.of("S1ContextPtr [55:6]", new StreamTableEntry(false, 0, 0, 0x00ff_ffff_ffff_ffc0L, 0, 0, 0, 0, 0, false, false, 0, 0, 0), 0, 0x00ff_ffff_ffff_ffc0L),
                Arguments.of("S1CDMax 31 [63:59]", ZERO.withS1CdMax(31), 0, 0xf800_0000_0000_0000L),
                Arguments.of("S1DSS 0b10 [65:64]", ZERO.withS1Dss(0b10), 1, 0x2L),
                Arguments.of("S1CIR 0b11 [67:66]", new StreamTableEntry(false, 0, 0, 0, 0, 0, 0b11, 0, 0, false, false, 0, 0, 0), 1, 0xCL),
                Arguments.of("S1COR 0b11 [69:68]", new StreamTableEntry(false, 0, 0, 0, 0, 0, 0, 0b11, 0, false, false, 0, 0, 0), 1, 0x30L),
                Arguments.of("S1CSH 0b11 [71:70]", new StreamTableEntry(false, 0, 0, 0, 0, 0, 0, 0, 0b11, false, false, 0, 0, 0), 1, 0xC0L),
                Arguments.of("PPAR [82]", ZERO.withPpar(true), 1, 0x4_0000L),
                Arguments.of("S1STALLD [91]", ZERO.withS1Stalld(true), 1, 0x800_0000L),
                Arguments.of("EATS 0b11 [93:92]", ZERO.withEats(0b11), 1, 0x3000_0000L),
                Arguments.of("STRW 0b10 [95:94]", ZERO.withStrw(0b10), 1, 0x8000_0000L),
                Arguments.of("SHCFG 0b11 [109:108]", new StreamTableEntry(false, 0, 0, 0, 0, 0, 0, 0, 0, false, false, 0, 0, 0b11), 1, 0x3000_0000_0000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleFields")
    void eachFieldEncodesAtItsArchitecturalPositionAndDecodesBack(String field, StreamTableEntry ste, int word, long expected) {
        long[] w = ste.encode();
        for (int i = 0; i < Ste.WORDS; i++) {
            assertThat(w[i]).as(field + " word " + i).isEqualTo(i == word ? expected : 0L);
        }
        assertThat(StreamTableEntry.decode(w)).isEqualTo(ste);
    }

    @Test
    void aLinuxStyleStage1SteHasTheseWords() {
        StreamTableEntry ste = StreamTableEntry.stage1(0x1234_5000L, Ste.S1FMT_64K_L2, 20, Ste.S1DSS_SSID0, true,
                Ste.EATS_TRANS, Ste.STRW_EL2).withPpar(true);
        long[] w = ste.encode();
        // V 0x1 | Config 0b101 << 1 = 0xA | S1Fmt 0b10 << 4 = 0x20 | S1ContextPtr 0x1234_5000 | S1CDMax 20 << 59 = 0xA000_0000_0000_0000
        assertThat(w[0]).isEqualTo(0xA000_0000_1234_502BL);
        // S1DSS 0b10 = 0x2 | S1CIR 0b01 << 2 = 0x4 | S1COR 0b01 << 4 = 0x10 | S1CSH 0b11 << 6 = 0xC0 | PPAR 0x4_0000
        // | S1STALLD 0x800_0000 | EATS 0b01 << 28 = 0x1000_0000 | STRW 0b10 << 30 = 0x8000_0000 | SHCFG 0b01 << 44 = 0x1000_0000_0000
        assertThat(w[1]).isEqualTo(0x0000_1000_9804_00D6L);
        assertThat(w[2]).isZero();
    }

    @Test
    void decodingHandWrittenWordsGivesTheFields() {
        StreamTableEntry ste = with(w -> {
            w[0] = 0x2800_0000_4000_0009L; // S1CDMax 5, S1ContextPtr 0x4000_0000, Config 0b100, V
            w[1] = 0x0000_0000_2000_0001L; // EATS 0b10, S1DSS bypass
            return w;
        });
        assertThat(ste.valid()).isTrue();
        assertThat(ste.config()).isEqualTo(Ste.CONFIG_BYPASS);
        assertThat(ste.bypasses()).isTrue();
        assertThat(ste.s1ContextPtr()).isEqualTo(0x4000_0000L);
        assertThat(ste.s1CdMax()).isEqualTo(5);
        assertThat(ste.eats()).isEqualTo(Ste.EATS_S1CHK);
        assertThat(ste.s1Dss()).isEqualTo(Ste.S1DSS_BYPASS);
    }

    @Test
    void reservedConfigsBehaveAsAbort() {
        for (int c = 0; c < 4; c++) {
            assertThat(ZERO.withValid(true).withConfig(c).aborts()).isTrue();
        }
        assertThat(ZERO.withConfig(Ste.CONFIG_S1_TRANS).aborts()).isFalse();
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
