package org.svafabric.iommu.hw.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;

/** Index-plus-wrap arithmetic and entry placement, for a 4-entry ring (index bits [1:0], wrap bit 2). */
class RamRingTest {
    private final LocalMemoryBus ram = new LocalMemoryBus();
    private final RamRing ring = new RamRing(ram, 0x10_0000, 2, 16);

    @Test
    void emptyWhenIndexAndWrapAreEqualFullWhenOnlyTheWrapDiffers() {
        assertThat(ring.isEmpty(0b000, 0b000)).isTrue();
        assertThat(ring.isFull(0b100, 0b000)).isTrue();
        assertThat(ring.isFull(0b011, 0b111)).isTrue();
        assertThat(ring.isEmpty(0b101, 0b101)).isTrue();
        assertThat(ring.isFull(0b011, 0b000)).isFalse();
    }

    @Test
    void nextTogglesTheWrapFlagAtTheEndAndKeepsHigherBits() {
        assertThat(ring.next(0b011)).isEqualTo(0b100);
        assertThat(ring.next(0b111)).isEqualTo(0b000);
        assertThat(ring.next(0x8000_0007)).isEqualTo(0x8000_0000);
        assertThat(ring.next(0x0100_0002)).isEqualTo(0x0100_0003);
    }

    @Test
    void usedCountsAcrossTheWrap() {
        assertThat(ring.used(0b101, 0b010)).isEqualTo(3);
        // cons at index 2 (wrap 1), prod at index 1 (wrap 0): entries 2, 3, 0
        assertThat(ring.used(0b001, 0b110)).isEqualTo(3);
        assertThat(ring.used(0b100, 0b000)).isEqualTo(4);
    }

    @Test
    void entriesLiveAtBasePlusIndexTimesSize() {
        ring.write(0b111, new long[] {0x1122334455667788L, 0x99});
        byte[] raw = ram.read(0x10_0000 + 3 * 16, 16);
        assertThat(Words.getLong(raw, 0)).isEqualTo(0x1122334455667788L);
        assertThat(raw[8]).isEqualTo((byte) 0x99);
    }

    @Test
    void aRunStopsAtTheEndOfTheRing() {
        for (int i = 0; i < 4; i++) {
            ring.write(i, new long[] {i, 0});
        }
        long[][] run = ring.readRun(0b101, 0b010, 32);
        assertThat(run).hasNumberOfRows(2);
        assertThat(run[0][0]).isEqualTo(2);
        assertThat(run[1][0]).isEqualTo(3);
    }
}
