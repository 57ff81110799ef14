package org.svafabric.iommu.hw.ste;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.iommu.hw.layout.StrtabBase;
import org.svafabric.iommu.hw.layout.L1Std;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.fixture.Structures;

class StreamTableTest {
    private final LocalMemoryBus bus = new LocalMemoryBus();

    private static long cfg(int fmt, int split, int log2) {
        return StrtabBase.FMT.with(StrtabBase.SPLIT.with(StrtabBase.LOG2SIZE.with(0, log2), split), fmt);
    }

    /** Pages aligned to their total size: the SMMU ignores L2Ptr bits below the level-2 array's size. */
    private long alignedPages(int pages) {
        long size = pages * 4096L;
        long p = bus.allocKernelPages("aligned", pages * 2);
        return (p + size - 1) & -size;
    }

    @Test
    void linearTableIndexesBySidAndRefusesSidsBeyondLog2Size() {
        long base = bus.allocKernelPages("st", 4);
        Ste ste = Structures.bypassSte();
        bus.write(base + 37 * 64, Words.toBytes(ste.words()));
        StreamTableConfig t = StreamTableConfig.fromRegisters(base, cfg(StrtabBase.FMT_LINEAR, 0, 8), 16);
        StreamTable.Lookup l = StreamTable.fetch(bus, t, 37);
        assertThat(l).isEqualTo(new StreamTable.Found(base + 37 * 64, ste));
        assertThat(StreamTable.fetch(bus, t, 256)).isInstanceOf(StreamTable.BadStreamId.class);
    }

    @Test
    void twoLevelTableFollowsTheL1DescriptorAndItsSpan() {
        long l1 = bus.allocKernelPages("st-l1", 1);
        long l2 = alignedPages(4); // 256 STEs, aligned to their 16 KiB as the SMMU requires
        bus.write64(l1 + 3 * 8, L1Std.encode(9, l2)); // SIDs 0x300-0x3ff
        bus.write64(l1 + 4 * 8, L1Std.encode(2, l2)); // only 2 STEs for SIDs 0x400-0x4ff
        Ste ste = Structures.abortSte();
        bus.write(l2 + 0x42 * 64, Words.toBytes(ste.words()));
        StreamTableConfig t = StreamTableConfig.fromRegisters(l1, cfg(StrtabBase.FMT_2LVL, 8, 16), 16);
        assertThat(StreamTable.fetch(bus, t, 0x342)).isEqualTo(new StreamTable.Found(l2 + 0x42 * 64, ste));
        assertThat(StreamTable.fetch(bus, t, 0x242)).as("L1STD Span 0").isInstanceOf(StreamTable.BadStreamId.class);
        assertThat(StreamTable.fetch(bus, t, 0x401)).isInstanceOf(StreamTable.Found.class);
        assertThat(StreamTable.fetch(bus, t, 0x402)).as("beyond the 2^(Span-1) STEs").isInstanceOf(StreamTable.BadStreamId.class);
    }

    @Test
    void aSpanLargerThanTheSplitIsInvalid() {
        long l1 = bus.allocKernelPages("st-l1", 1);
        bus.write64(l1, L1Std.encode(10, bus.allocKernelPages("st-l2", 8)));
        StreamTableConfig t = StreamTableConfig.fromRegisters(l1, cfg(StrtabBase.FMT_2LVL, 8, 16), 16);
        assertThat(StreamTable.fetch(bus, t, 1)).isInstanceOf(StreamTable.BadStreamId.class);
    }

    @Test
    void aReadOutsideRamIsAnSteFetchAbort() {
        StreamTableConfig t = StreamTableConfig.fromRegisters(bus.size(), cfg(StrtabBase.FMT_LINEAR, 0, 4), 16);
        StreamTable.Lookup l = StreamTable.fetch(bus, t, 3);
        assertThat(l).isInstanceOf(StreamTable.FetchAbort.class);
    }
}
