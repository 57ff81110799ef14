package org.svafabric.mm.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Watermarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class WalkerTest {
    private static final long BASE = 0x4000_0000L;

    /** Tables laid out by hand: pgd at +0x1000, level 1 at +0x2000, level 2 at +0x3000, level 3 at +0x4000. */
    @Test
    void walksFourLevelsOfHandWrittenDescriptorsToThePage() {
        Ram ram = new Ram(BASE, 64 * 4096);
        long va = 0x7f12_3456_7abcL; // indexes 0xFE, 0x48, 0x1A2, 0x167; offset 0xABC
        ram.write64(BASE + 0x1000 + 0xFE * 8, 0x4000_2003L);   // table -> 0x4000_2000
        ram.write64(BASE + 0x2000 + 0x48 * 8, 0x4000_3003L);   // table -> 0x4000_3000
        ram.write64(BASE + 0x3000 + 0x1A2 * 8, 0x4000_4003L);  // table -> 0x4000_4000
        // Page at 0x4000_9000, user rw, young, dirty (same layout as PteGoldenTest, other OA).
        ram.write64(BASE + 0x4000 + 0x167 * 8, 0x00E8_0000_4000_9F43L);

        Walk w = Walker.walk(ram, BASE + 0x1000, va);

        assertThat(w.level()).isEqualTo(3);
        assertThat(w.ptep()).isEqualTo(BASE + 0x4000 + 0x167 * 8);
        assertThat(w.isPage()).isTrue();
        assertThat(w.pa(va)).isEqualTo(0x4000_9ABCL);
        PagePermissions p = w.permissions();
        assertThat(p.userRead()).isTrue();
        assertThat(p.userWrite()).isTrue();
        assertThat(p.userExec()).isFalse();
        assertThat(p.privExec()).isFalse();
        assertThat(p.young()).isTrue();
        assertThat(p.dirty()).isTrue();
    }

    @Test
    void stopsAtTheFirstInvalidDescriptor() {
        Ram ram = new Ram(BASE, 64 * 4096);
        long va = 0x7f12_3456_7000L;
        ram.write64(BASE + 0x1000 + 0xFE * 8, 0x4000_2003L);
        Walk w = Walker.walk(ram, BASE + 0x1000, va);
        assertThat(w.level()).isEqualTo(1);
        assertThat(w.descriptor()).isZero();
        assertThat(w.isPage()).isFalse();
    }

    @Test
    void pageTableBuildsWhatTheWalkerFindsAndUnhooksEmptyTables() {
        Ram ram = new Ram(BASE, 256 * 4096);
        FrameAllocator frames = new FrameAllocator(ram, new Watermarks(0, 0, 0), new SimpleMeterRegistry());
        PageTable pt = new PageTable(frames);
        long va1 = 0x7f00_0000_0000L;
        long va2 = 0x7f00_0020_0000L; // next 2 MiB: its own level-3 table
        pt.getAndSet(pt.ensure(va1), Pte.userPage(0x4001_0000L, true, false, false, true, false));
        pt.getAndSet(pt.ensure(va2), Pte.userPage(0x4001_1000L, true, true, false, true, true));
        assertThat(pt.tableFrames()).as("pgd, one level 1, one level 2, two level 3").isEqualTo(5);

        assertThat(pt.walk(va1 + 5).pa(va1 + 5)).isEqualTo(0x4001_0005L);
        assertThat(pt.walk(va1).permissions().userWrite()).isFalse();
        assertThat(pt.walk(va2).permissions().userWrite()).isTrue();

        List<Long> seen = new ArrayList<>();
        pt.forEach(0, 1L << 48, (va, ptep, d) -> seen.add(va));
        assertThat(seen).containsExactly(va1, va2);

        pt.getAndSet(pt.lookup(va2), 0);
        List<DetachedTable> gone = pt.detachEmptyTables(va2, va2 + 0x20_0000);
        assertThat(gone).hasSize(1);
        assertThat(pt.walk(va2).level()).isEqualTo(2);
        pt.free(gone.get(0));
        assertThat(pt.tableFrames()).isEqualTo(4);
        assertThat(pt.walk(va1).isPage()).isTrue();

        long free = frames.freeFrames();
        pt.destroy();
        assertThat(frames.freeFrames()).isEqualTo(free + 4);
    }
}
