package org.svafabric.iommu.hw.walker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.MemoryBus.Range;
import org.svafabric.iommu.hw.testing.CountingBus;

class DescriptorBurstTest {

    @Test
    void sixteenDescriptorsOfOneLineCostOneBusReadInABurst() {
        CountingBus bus = new CountingBus();
        long table = 0x1000_0000L;
        for (int i = 0; i < 32; i++) {
            bus.write64(table + 8L * i, 0x4000_0000L + ((long) i << 12) | 3);
        }
        bus.reset();
        try (DescriptorBurst b = DescriptorBurst.open()) {
            for (int i = 0; i < 16; i++) {
                assertThat(DescriptorBurst.read64(bus, table + 8L * i)).isEqualTo(0x4000_0000L + ((long) i << 12) | 3);
            }
            assertThat(bus.requests()).isEqualTo(1);
            DescriptorBurst.read64(bus, table + 8L * 16);
            assertThat(bus.requests()).as("the next line is its own read").isEqualTo(2);
        }
    }

    @Test
    void aBatchOfSixtyFourPagesReadsItsLeafRunOnceAndNeverPastItsTable() {
        CountingBus bus = new CountingBus();
        long table = 0x1000_0000L;
        for (int i = 0; i < 512; i++) {
            bus.write64(table + 8L * i, 0x4000_0000L + ((long) i << 12) | 3);
        }
        bus.reset();
        try (DescriptorBurst b = DescriptorBurst.open(64)) {
            for (int i = 0; i < 64; i++) {
                assertThat(DescriptorBurst.read64(bus, table + 8L * i)).isEqualTo(0x4000_0000L + ((long) i << 12) | 3);
            }
            assertThat(bus.requests()).as("64 descriptors, 512 bytes, one read").isEqualTo(1);
        }
        bus.reset();
        try (DescriptorBurst b = DescriptorBurst.open(100_000)) {
            DescriptorBurst.read64(bus, table + 8L * 511);
            DescriptorBurst.read64(bus, table);
            assertThat(bus.requests()).as("a run is at most one 4 KiB table").isEqualTo(1);
        }
    }

    @Test
    void aLineIsReadAgainAfterTheWalkerChangedItAndThereIsNoBurstOutsideTheScope() {
        CountingBus bus = new CountingBus();
        long pa = 0x2000_0040L;
        bus.write64(pa, 1);
        try (DescriptorBurst b = DescriptorBurst.open()) {
            assertThat(DescriptorBurst.read64(bus, pa)).isEqualTo(1);
            bus.compareAndSwap64(pa, 1, 2);
            assertThat(DescriptorBurst.read64(bus, pa)).as("the burst holds the line it read").isEqualTo(1);
            DescriptorBurst.forget(pa);
            assertThat(DescriptorBurst.read64(bus, pa)).isEqualTo(2);
        }
        bus.compareAndSwap64(pa, 2, 3);
        assertThat(DescriptorBurst.read64(bus, pa)).as("no scope: straight to RAM").isEqualTo(3);
    }

    @Test
    void aPrefetchReadsTheRunsOfSeveralTablesInOneRequestAndTheWalksFindThem() {
        CountingBus bus = new CountingBus();
        long a = 0x1000_0000L;
        long b = 0x1000_3000L;
        for (int i = 0; i < 512; i++) {
            bus.write64(a + 8L * i, 0x4000_0000L + ((long) i << 12) | 3);
            bus.write64(b + 8L * i, 0x5000_0000L + ((long) i << 12) | 3);
        }
        bus.reset();
        try (DescriptorBurst burst = DescriptorBurst.open(128)) {
            DescriptorBurst.prefetch(bus, new long[] {a, a + 8, b + 8 * 64, b + 8 * 200}, 4);
            assertThat(bus.requests()).as("three runs of 1 KiB, one batch").isEqualTo(1);
            assertThat(bus.reads()).containsExactly(new Range(a, 1024), new Range(b, 1024), new Range(b + 1024, 1024));
            assertThat(DescriptorBurst.read64(bus, a + 8 * 100)).isEqualTo(0x4000_0000L + (100L << 12) | 3);
            assertThat(DescriptorBurst.read64(bus, b + 8 * 200)).isEqualTo(0x5000_0000L + (200L << 12) | 3);
            assertThat(bus.requests()).as("the walks read from the prefetched runs").isEqualTo(1);

            DescriptorBurst.prefetch(bus, new long[] {a, b, b + 8 * 300}, 3);
            assertThat(bus.requests()).as("one run missing: left to its walk").isEqualTo(1);
        }
    }

    @Test
    void aFailedPrefetchKeepsNothingAndWithoutAScopeThereIsNone() {
        CountingBus bus = new CountingBus();
        long a = 0x1000_0000L;
        long b = 0x1000_3000L;
        bus.write64(a, 1);
        bus.write64(b, 2);
        bus.reset();
        try (DescriptorBurst burst = DescriptorBurst.open(64)) {
            bus.abortNextBatch();
            DescriptorBurst.prefetch(bus, new long[] {a, b}, 2);
            assertThat(DescriptorBurst.read64(bus, a)).isEqualTo(1);
            assertThat(DescriptorBurst.read64(bus, b)).isEqualTo(2);
            assertThat(bus.requests()).as("the failed batch, then each run on its own").isEqualTo(3);
        }
        bus.reset();
        DescriptorBurst.prefetch(bus, new long[] {a, b}, 2);
        assertThat(bus.requests()).isZero();
    }
}
