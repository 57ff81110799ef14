package org.svafabric.iommu.hw.walker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.LocalMemoryBus;

class DescriptorBurstTest {

    /** Counts bus transactions. */
    static final class CountingBus extends LocalMemoryBus {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public byte[] read(long pa, int length) {
            reads.incrementAndGet();
            return super.read(pa, length);
        }

        @Override
        public long read64(long pa) {
            reads.incrementAndGet();
            return super.read64(pa);
        }
    }

    @Test
    void sixteenDescriptorsOfOneLineCostOneBusReadInABurst() {
        CountingBus bus = new CountingBus();
        long table = 0x1000_0000L;
        for (int i = 0; i < 32; i++) {
            bus.write64(table + 8L * i, 0x4000_0000L + ((long) i << 12) | 3);
        }
        bus.reads.set(0);
        try (DescriptorBurst b = DescriptorBurst.open()) {
            for (int i = 0; i < 16; i++) {
                assertThat(DescriptorBurst.read64(bus, table + 8L * i)).isEqualTo(0x4000_0000L + ((long) i << 12) | 3);
            }
            assertThat(bus.reads).hasValue(1);
            DescriptorBurst.read64(bus, table + 8L * 16);
            assertThat(bus.reads).as("the next line is its own read").hasValue(2);
        }
    }

    @Test
    void aBatchOfSixtyFourPagesReadsItsLeafRunOnceAndNeverPastItsTable() {
        CountingBus bus = new CountingBus();
        long table = 0x1000_0000L;
        for (int i = 0; i < 512; i++) {
            bus.write64(table + 8L * i, 0x4000_0000L + ((long) i << 12) | 3);
        }
        bus.reads.set(0);
        try (DescriptorBurst b = DescriptorBurst.open(64)) {
            for (int i = 0; i < 64; i++) {
                assertThat(DescriptorBurst.read64(bus, table + 8L * i)).isEqualTo(0x4000_0000L + ((long) i << 12) | 3);
            }
            assertThat(bus.reads).as("64 descriptors, 512 bytes, one read").hasValue(1);
        }
        bus.reads.set(0);
        try (DescriptorBurst b = DescriptorBurst.open(100_000)) {
            DescriptorBurst.read64(bus, table + 8L * 511);
            DescriptorBurst.read64(bus, table);
            assertThat(bus.reads).as("a run is at most one 4 KiB table").hasValue(1);
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
}
