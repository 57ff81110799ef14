package org.svafabric.mm.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;

/**
 * The VMSAv8-64 stage-1 descriptor as the CPU side writes it, pinned to values worked out by
 * hand from the Arm ARM's field positions (4 KiB granule): Valid [0], Type [1], AttrIndx [4:2],
 * NS [5], AP[2:1] [7:6], SH [9:8], AF [10], nG [11], OA [47:12], DBM [51], Contiguous [52],
 * PXN [53], UXN [54]; Linux's software dirty bit is [55].
 */
class PteGoldenTest {

    @Test
    void userReadWritePageYoungAndDirty() {
        // OA 0x4_0123_4000 -> bits [47:12] as is. Valid|Page = 0x3. AttrIndx 0. AP[1]=1 -> 0x40,
        // AP[2]=0 (dirty, hardware-writable). SH=0b11 -> 0x300. AF -> 0x400. nG -> 0x800.
        // Low 12 bits: 0x003 | 0x040 | 0x300 | 0x400 | 0x800 = 0xF43.
        // High bits: DBM (51) = 0x0008_0000_0000_0000, PXN (53) = 0x0020_..., UXN (54) = 0x0040_...,
        // SW dirty (55) = 0x0080_... -> 0x00E8_0000_0000_0000.
        long d = Pte.userPage(0x4_0123_4000L, true, true, false, true, true);
        assertThat(d).isEqualTo(0x00E8_0004_0123_4F43L);
    }

    @Test
    void userReadWritePageCleanIsReadOnlyUntilHardwareMarksItDirty() {
        // Same page, old and clean: AF=0, AP[2]=1 (0x80), no software dirty bit.
        // Low: 0x003 | 0x040 | 0x080 | 0x300 | 0x800 = 0xBC3. High: DBM|PXN|UXN = 0x0068_...
        long d = Pte.userPage(0x4_0123_4000L, true, true, false, false, false);
        assertThat(d).isEqualTo(0x0068_0004_0123_4BC3L);
        assertThat(PagePermissions.of(d).userWrite()).as("DBM makes a clean page writable").isTrue();
        assertThat(PagePermissions.of(d).dirty()).isFalse();
    }

    @Test
    void userReadOnlyExecutablePage() {
        // r-x at PA 0x4000_5000: AP[2:1] = 0b11 (0xC0), AF, no DBM, UXN clear, PXN set.
        // Low: 0x003 | 0x0C0 | 0x300 | 0x400 | 0x800 = 0xFC3. High: PXN = 0x0020_...
        long d = Pte.userPage(0x4000_5000L, true, false, true, true, false);
        assertThat(d).isEqualTo(0x0020_0000_4000_5FC3L);
        PagePermissions p = PagePermissions.of(d);
        assertThat(p.userRead()).isTrue();
        assertThat(p.userWrite()).isFalse();
        assertThat(p.userExec()).isTrue();
        assertThat(p.privExec()).as("PXN").isFalse();
    }

    @Test
    void tableDescriptor() {
        // Next-level table at 0x4000_2000: address in [47:12], Valid|Table = 0x3.
        assertThat(Pte.table(0x4000_2000L)).isEqualTo(0x4000_2003L);
    }

    @Test
    void swapEntryIsNeverValidAndKeepsItsOffset() {
        // Offset 5 in [57:8] -> 0x500; the entry marker bit 58 -> 0x0400_0000_0000_0000.
        long d = Pte.swapEntry(5);
        assertThat(d).isEqualTo(0x0400_0000_0000_0500L);
        assertThat(Pte.isValid(d)).isFalse();
        assertThat(Pte.isSwapEntry(d)).isTrue();
        assertThat(Pte.SWP_OFFSET.get(d)).isEqualTo(5);
    }

    @Test
    void vaIndexesPerLevel() {
        // VA 0x0000_7f12_3456_7000: [47:39] = 0xFE, [38:30] = 0x48, [29:21] = 0x1A2, [20:12] = 0x167.
        long va = 0x7f12_3456_7000L;
        assertThat(Vmsa.index(va, 0)).isEqualTo(0xFE);
        assertThat(Vmsa.index(va, 1)).isEqualTo(0x48);
        assertThat(Vmsa.index(va, 2)).isEqualTo(0x1A2);
        assertThat(Vmsa.index(va, 3)).isEqualTo(0x167);
    }
}
