package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/** The private domains' io-pgtable: VMSAv8-64 stage-1 leaves as arm_lpae_prot_to_pte builds them. */
class IoPgtableTest {
    private final LocalMemoryBus ram = new LocalMemoryBus();
    private final IoPgtable pt = new IoPgtable(ram, "test");

    /**
     * A writable leaf for PA 0x12345000: Valid [0] | Type [1] = 0x3, AP[1] [6] 0x40, SH [9:8] = 3 0x300,
     * AF [10] 0x400, nG [11] 0x800, OA, PXN [53] and UXN [54] = 0x0060_0000_0000_0000. Read-only adds
     * AP[2] [7] 0x80.
     */
    @Test
    void leafDescriptorGoldenValues() {
        assertThat(IoPgtable.leaf(0x1234_5000L, true)).isEqualTo(0x0060_0000_1234_5F43L);
        assertThat(IoPgtable.leaf(0x1234_5000L, false)).isEqualTo(0x0060_0000_1234_5FC3L);
    }

    @Test
    void mapWalksFourLevelsInRam() {
        pt.map(0x40_0000_0000L, List.of(0x8000L, 0x2_0000L), true, true);
        assertThat(pt.iovaToPhys(0x40_0000_1abcL)).isEqualTo(0x2_0abcL);
        assertThat(pt.tablePages()).as("pgd + one table per level below it").isEqualTo(4);
        long l0 = ram.read64(pt.pgd() + 8L * 0);
        assertThat(l0 & 0x3).as("level-0 table descriptor").isEqualTo(0x3);
    }

    @Test
    void mappingOverAMappedPageIsEexistAndChangesNothing() {
        pt.map(0x1000, List.of(0x8000L), true, false);
        ErrnoException e = catchThrowableOfType(ErrnoException.class, () -> pt.map(0x0, List.of(0x9000L, 0xA000L), true, true));
        assertThat(e.errno()).isEqualTo(Errno.EEXIST);
        assertThat(pt.iovaToPhys(0x0)).isEqualTo(-1);
        assertThat(pt.iovaToPhys(0x1000)).isEqualTo(0x8000);
    }

    @Test
    void unmapStopsAtTheFirstHole() {
        pt.map(0x10_0000, List.of(0x8000L, 0x9000L), true, true);
        pt.map(0x10_3000, List.of(0xA000L), true, true);
        assertThat(pt.unmap(0x10_0000, 0x4000)).isEqualTo(0x2000);
        assertThat(pt.iovaToPhys(0x10_3000)).isEqualTo(0xA000);
        assertThat(pt.unmap(0x20_0000, 0x1000)).isZero();
    }

    @Test
    void unalignedOrPermissionlessMappingsAreEinval() {
        assertThat(catchThrowableOfType(ErrnoException.class, () -> pt.map(0x10, List.of(0x8000L), true, true)).errno())
                .isEqualTo(Errno.EINVAL);
        assertThat(catchThrowableOfType(ErrnoException.class, () -> pt.map(0x1000, List.of(0x8000L), false, false)).errno())
                .isEqualTo(Errno.EINVAL);
        assertThat(catchThrowableOfType(ErrnoException.class, () -> pt.map(0x1000, List.of(0x8001L), true, false)).errno())
                .isEqualTo(Errno.EINVAL);
    }

    @Test
    void alignedAllocationsSitOnTheirSize() {
        LocalMemoryBus bus = new LocalMemoryBus(1L << 30, (1L << 28) + 4096);
        CoherentPages.Allocation a = CoherentPages.allocAligned(bus, "t", 4);
        assertThat(a.pa() % (4 * 4096)).isZero();
        assertThat(a.pa()).isBetween(a.first(), a.first() + (long) (a.count() - 4) * 4096);
        assertThat(CoherentPages.pagesFor(1)).isEqualTo(1);
        assertThat(CoherentPages.pagesFor(4097)).isEqualTo(2);
        assertThat(CoherentPages.pagesFor(3 * 4096)).isEqualTo(4);
    }
}
