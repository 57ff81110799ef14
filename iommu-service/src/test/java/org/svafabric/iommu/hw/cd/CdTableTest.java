package org.svafabric.iommu.hw.cd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.iommu.hw.layout.Ste;

import org.svafabric.iommu.hw.layout.L1Cd;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.fixture.Structures;

class CdTableTest {
    private final LocalMemoryBus bus = new LocalMemoryBus();
    private final Cd cd = Structures.sharedCd(0x4000_0000L, 9, 0b101, true, true, false, 0);

    /** Pages aligned to their total size: the SMMU ignores L2Ptr bits below the leaf table's size. */
    private long alignedPages(int pages) {
        long size = pages * 4096L;
        long p = bus.allocKernelPages("aligned", pages * 2);
        return (p + size - 1) & -size;
    }

    @Test
    void withoutSubstreamsTheContextPointerIsTheCd() {
        long p = bus.allocKernelPages("cd", 1);
        bus.write(p, Words.toBytes(cd.words()));
        Ste ste = Structures.stage1Ste(p, Ste.S1FMT_LINEAR, 0, 0, false, 0, 0);
        assertThat(CdTable.fetch(bus, ste, 0, 20)).isEqualTo(new CdTable.Found(p, cd));
    }

    @Test
    void linearTableIndexesBySubstreamId() {
        long p = bus.allocKernelPages("cd", 1);
        bus.write(p + 5 * 64, Words.toBytes(cd.words()));
        Ste ste = Structures.stage1Ste(p, Ste.S1FMT_LINEAR, 6, 0, false, 0, 0);
        assertThat(CdTable.fetch(bus, ste, 5, 20)).isEqualTo(new CdTable.Found(p + 5 * 64, cd));
    }

    @Test
    void twoLevelWith64kLeavesIndexesL1BySsidAbove10Bits() {
        long l1 = bus.allocKernelPages("cd-l1", 1);
        long l2 = alignedPages(16); // a 64 KiB leaf, 64 KiB aligned
        bus.write64(l1 + 2 * 8, L1Cd.encode(l2));
        int ssid = (2 << 10) | 0x123;
        bus.write(l2 + 0x123 * 64, Words.toBytes(cd.words()));
        Ste ste = Structures.stage1Ste(l1, Ste.S1FMT_64K_L2, 20, 0, false, 0, 0);
        assertThat(CdTable.fetch(bus, ste, ssid, 20)).isEqualTo(new CdTable.Found(l2 + 0x123 * 64, cd));
        assertThat(CdTable.fetch(bus, ste, (3 << 10) | 0x123, 20)).as("L1CD.V == 0").isEqualTo(new CdTable.MissingL2(l1 + 3 * 8));
    }

    @Test
    void twoLevelWith4kLeavesIndexesL1BySsidAbove6Bits() {
        long l1 = bus.allocKernelPages("cd-l1", 1);
        long l2 = bus.allocKernelPages("cd-l2", 1);
        bus.write64(l1 + 7 * 8, L1Cd.encode(l2));
        bus.write(l2 + 0x21 * 64, Words.toBytes(cd.words()));
        Ste ste = Structures.stage1Ste(l1, Ste.S1FMT_4K_L2, 10, 0, false, 0, 0);
        assertThat(CdTable.fetch(bus, ste, (7 << 6) | 0x21, 20)).isEqualTo(new CdTable.Found(l2 + 0x21 * 64, cd));
    }
}
