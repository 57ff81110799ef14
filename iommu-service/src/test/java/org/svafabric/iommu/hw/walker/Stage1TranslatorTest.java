package org.svafabric.iommu.hw.walker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.testing.PageTableBuilder;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.fixture.Structures;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Httu;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.tlb.InvalidationEpoch;
import org.svafabric.iommu.hw.tlb.InvalidationScope;
import org.svafabric.iommu.hw.tlb.Iotlb;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;

/** The stage-1 walk over tables written with {@link Pte}: permissions, Access flag, dirty state, ranges, faults. */
class Stage1TranslatorTest {
    private static final long VA = 0x0000_7f12_3456_7000L;
    private static final long PA = 0x0123_4000L;
    private static final int ASID = 42;

    private final LocalMemoryBus bus = new LocalMemoryBus();
    private final InvalidationEpoch epoch = new InvalidationEpoch();
    private final Iotlb tlb = new Iotlb(64, 4, epoch);
    private final WalkCache walkCache = new WalkCache(32, epoch);
    private final Stage1Translator translator = new Stage1Translator(bus, tlb, walkCache);
    private final PageTableBuilder pt = new PageTableBuilder(bus);

    private Stage1Context ctx(Cd cd) {
        return Stage1Context.of(cd, false, SmmuConfig.defaults());
    }

    private Cd cd(boolean ha, boolean hd) {
        return Structures.sharedCd(pt.pgd(), ASID, 0b101, ha, hd, false, 0);
    }

    private Stage1Translator.Outcome translate(Stage1Context c, long va, int access) {
        return translator.translate(c, va, access, new CostMeter(), epoch.startFill());
    }

    private static long leaf(int ap, boolean uxn, boolean pxn, boolean af, boolean dbm) {
        long d = Pte.OA.withAddress(0, PA);
        d = Pte.VALID.with(d, true);
        d = Pte.TYPE.with(d, true);
        d = Pte.AP.with(d, ap);
        d = Pte.AF.with(d, af);
        d = Pte.NG.with(d, true);
        d = Pte.UXN.with(d, uxn);
        d = Pte.PXN.with(d, pxn);
        return Pte.DBM.with(d, dbm);
    }

    private static void assertFault(Stage1Translator.Outcome o, EventType type) {
        assertThat(o).isInstanceOf(Stage1Translator.Faulted.class);
        assertThat(((Stage1Translator.Faulted) o).type()).isEqualTo(type);
    }

    private static long pa(Stage1Translator.Outcome o) {
        assertThat(o).isInstanceOf(Stage1Translator.Mapped.class);
        return ((Stage1Translator.Mapped) o).pa();
    }

    /**
     * AP[2:1], UXN, PXN -> what unprivileged and privileged accesses may do (read, write, execute), from the
     * VMSAv8-64 stage-1 permission model: AP[1] gives EL0 access, AP[2] makes it read-only, EL0-writable
     * memory is never privileged-executable.
     */
    @ParameterizedTest(name = "AP={0} UXN={1} PXN={2}: user {3}, priv {4}")
    @CsvSource({
            "0, false, false, --x, rwx",
            "0, true,  true,  ---, rw-",
            "1, false, false, rwx, rw-",
            "1, true,  false, rw-, rw-",
            "2, false, false, --x, r-x",
            "2, true,  true,  ---, r--",
            "3, false, false, r-x, r-x",
            "3, false, true,  r-x, r--",
            "3, true,  false, r--, r-x"})
    void everyPermissionCombination(int ap, boolean uxn, boolean pxn, String user, String priv) {
        pt.map(VA, leaf(ap, uxn, pxn, true, false));
        Stage1Context c = ctx(cd(false, false));
        String[] expected = {user, priv};
        for (int p = 0; p < 2; p++) {
            boolean privileged = p == 1;
            check(c, Access.of(false, false, privileged), expected[p].charAt(0) == 'r');
            check(c, Access.of(true, false, privileged), expected[p].charAt(1) == 'w');
            check(c, Access.of(false, true, privileged), expected[p].charAt(2) == 'x');
        }
    }

    private void check(Stage1Context c, int access, boolean allowed) {
        Stage1Translator.Outcome o = translate(c, VA + 0x10, access);
        if (allowed) {
            assertThat(pa(o)).as("access %d", access).isEqualTo(PA + 0x10);
        } else {
            assertFault(o, EventType.F_PERMISSION);
        }
    }

    @Test
    void apTableRemovesUnprivilegedAccessAndWriteBelowIt() {
        pt.map(VA, leaf(0b01, false, true, true, false));
        pt.updateTable(VA, 1, d -> Pte.AP_TABLE.with(d, 0b01));
        Stage1Context c = ctx(cd(false, false));
        assertFault(translate(c, VA, Access.READ), EventType.F_PERMISSION);
        assertThat(pa(translate(c, VA, Access.WRITE | Access.PRIV))).isEqualTo(PA);
        pt.updateTable(VA, 1, d -> Pte.AP_TABLE.with(d, 0b10));
        tlb.invalidate(InvalidationScope.of(TlbInvalidation.all(TlbInvalidation.Regime.NH), false));
        walkCache.invalidate(InvalidationScope.of(TlbInvalidation.all(TlbInvalidation.Regime.NH), false));
        assertThat(pa(translate(c, VA, Access.READ))).isEqualTo(PA);
        assertFault(translate(c, VA, Access.WRITE | Access.PRIV), EventType.F_PERMISSION);
    }

    @Test
    void apTableWriteProtectionIsNotUndoneByDbm() {
        pt.map(VA, Pte.userPage(PA, true, true, false, true, false));
        pt.updateTable(VA, 2, d -> Pte.AP_TABLE.with(d, 0b10));
        assertFault(translate(ctx(cd(true, true)), VA, Access.WRITE), EventType.F_PERMISSION);
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isFalse();
    }

    @Test
    void xnTableBitsRemoveExecution() {
        pt.map(VA, leaf(0b11, false, false, true, false));
        pt.updateTable(VA, 0, d -> Pte.UXN_TABLE.with(d, true));
        Stage1Context c = ctx(cd(false, false));
        assertFault(translate(c, VA, Access.EXEC), EventType.F_PERMISSION);
        assertThat(pa(translate(c, VA, Access.EXEC | Access.PRIV))).isEqualTo(PA);
    }

    /**
     * IHI 0070 §5.4 CD.WXN: "Instruction read to writable page raises a Permission fault" — a read-write,
     * executable page (AP = 0b01, UXN = 0) executes without WXN and faults with it; a read-only executable page
     * still executes. A writable-clean page (DBM with HD) counts as writable.
     */
    @Test
    void ihi0070s54_wxnMakesWritableMemoryExecuteNever() {
        pt.map(VA, leaf(0b01, false, true, true, false));
        assertThat(pa(translate(ctx(cd(false, false)), VA, Access.EXEC))).isEqualTo(PA);
        Stage1Context wxn = ctx(cd(false, false).with(Cd.WXN, true));
        tlb.invalidate(InvalidationScope.of(TlbInvalidation.all(TlbInvalidation.Regime.NH), false));
        assertFault(translate(wxn, VA, Access.EXEC), EventType.F_PERMISSION);
        assertThat(pa(translate(wxn, VA, Access.WRITE))).as("data accesses unchanged").isEqualTo(PA);
        long ro = VA + 0x1000;
        pt.map(ro, Pte.OA.withAddress(leaf(0b11, false, true, true, false), PA + 0x1000));
        assertThat(pa(translate(wxn, ro, Access.EXEC))).as("read-only stays executable").isEqualTo(PA + 0x1000);
        long clean = VA + 0x2000;
        pt.map(clean, Pte.OA.withAddress(leaf(0b11, false, true, true, true), PA + 0x2000));
        assertFault(translate(ctx(cd(true, true).with(Cd.WXN, true)), clean, Access.EXEC), EventType.F_PERMISSION);
    }

    /**
     * IHI 0070 §5.4 CD.PAN: privileged data reads and writes of memory EL0 may access are not permitted;
     * unprivileged accesses, privileged accesses to kernel-only memory and instruction fetches are unaffected.
     */
    @Test
    void ihi0070s54_panDeniesPrivilegedDataAccessToUserMemory() {
        pt.map(VA, leaf(0b01, true, false, true, false));
        Stage1Context pan = ctx(cd(false, false).with(Cd.PAN, true));
        assertFault(translate(pan, VA, Access.READ | Access.PRIV), EventType.F_PERMISSION);
        assertFault(translate(pan, VA, Access.WRITE | Access.PRIV), EventType.F_PERMISSION);
        assertThat(pa(translate(pan, VA, Access.WRITE))).as("unprivileged").isEqualTo(PA);
        long kernel = VA + 0x1000;
        pt.map(kernel, Pte.OA.withAddress(leaf(0b00, true, false, true, false), PA + 0x1000));
        assertThat(pa(translate(pan, kernel, Access.WRITE | Access.PRIV))).isEqualTo(PA + 0x1000);
        assertThat(pa(translate(ctx(cd(false, false)), VA, Access.READ | Access.PRIV)))
                .as("without PAN").isEqualTo(PA);
    }

    @Test
    void accessFlagZeroWithHaIsSetInRamByCompareAndSwap() {
        pt.map(VA, Pte.userPage(PA, true, false, false, false, false));
        CostMeter m = new CostMeter();
        assertThat(pa(translator.translate(ctx(cd(true, false)), VA, Access.READ, m, epoch.startFill()))).isEqualTo(PA);
        assertThat(Pte.AF.isSet(pt.leaf(VA))).isTrue();
        assertThat(m.casUpdates).isEqualTo(1);
        assertThat(m.descriptorsRead).isEqualTo(4);
    }

    @Test
    void accessFlagZeroWithoutHttuIsAnAccessFault() {
        pt.map(VA, Pte.userPage(PA, true, false, false, false, false));
        assertFault(translate(ctx(cd(false, false)), VA, Access.READ), EventType.F_ACCESS);
        assertThat(Pte.AF.isSet(pt.leaf(VA))).isFalse();
        assertThat(tlb.size()).as("nothing cached without AF").isZero();
    }

    @Test
    void accessFlagFaultDisableTreatsAfAsSetWithoutWritingIt() {
        pt.map(VA, Pte.userPage(PA, true, false, false, false, false));
        Stage1Context c = ctx(cd(false, false).with(Cd.AFFD, true));
        assertThat(pa(translate(c, VA, Access.READ))).isEqualTo(PA);
        assertThat(pt.leaf(VA)).isEqualTo(Pte.userPage(PA, true, false, false, false, false));
        assertThat(tlb.size()).isEqualTo(1);
    }

    @Test
    void aWriteToADbmPageWithHdSetsItWritable() {
        pt.map(VA, Pte.userPage(PA, true, true, false, true, false));
        assertThat(pa(translate(ctx(cd(true, true)), VA, Access.WRITE))).isEqualTo(PA);
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isTrue();
        assertThat(Pte.isDirty(pt.leaf(VA))).isTrue();
    }

    @Test
    void aWriteToADbmPageWithoutHdIsAPermissionFault() {
        pt.map(VA, Pte.userPage(PA, true, true, false, true, false));
        assertFault(translate(ctx(cd(true, false)), VA, Access.WRITE), EventType.F_PERMISSION);
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isFalse();
    }

    @Test
    void aReadLeavesAWritableCleanPageCleanAndALaterWriteWalksAgainToDirtyIt() {
        pt.map(VA, Pte.userPage(PA, true, true, false, true, false));
        Stage1Context c = ctx(cd(true, true));
        assertThat(pa(translate(c, VA, Access.READ))).isEqualTo(PA);
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isFalse();
        CostMeter m = new CostMeter();
        assertThat(pa(translator.translate(c, VA, Access.WRITE, m, epoch.startFill()))).isEqualTo(PA);
        assertThat(m.tlbHit).isFalse();
        assertThat(m.casUpdates).isEqualTo(1);
        assertThat(Pte.isHwWritable(pt.leaf(VA))).isTrue();
        CostMeter again = new CostMeter();
        translator.translate(c, VA, Access.WRITE, again, epoch.startFill());
        assertThat(again.tlbHit).as("the dirty translation is cached").isTrue();
    }

    @Test
    void aDescriptorChangedBeforeTheHardwareUpdateIsNotOverwritten() {
        pt.map(VA, Pte.userPage(PA, true, true, false, false, false));
        long slot = pt.descriptorAddress(VA, 3, false);
        // The "CPU" unmaps the page between the walk's read and its compare-and-swap.
        LocalMemoryBus racing = new LocalMemoryBus() {
            boolean first = true;

            @Override
            public long compareAndSwap64(long pa, long expected, long update) {
                if (first && pa == slot) {
                    first = false;
                    bus.write64(pa, 0);
                }
                return bus.compareAndSwap64(pa, expected, update);
            }

            @Override
            public long read64(long pa) {
                return bus.read64(pa);
            }
        };
        Stage1Translator t = new Stage1Translator(racing, tlb, walkCache);
        CostMeter m = new CostMeter();
        assertFault(t.translate(ctx(cd(true, true)), VA, Access.WRITE, m, epoch.startFill()), EventType.F_TRANSLATION);
        assertThat(bus.read64(slot)).isZero();
        assertThat(m.casUpdates).isEqualTo(1);
    }

    @Test
    void t0szBoundsTheInputRange() {
        PageTableBuilder small = new PageTableBuilder(bus, 39);
        small.map((1L << 25) - 4096, Pte.userPage(PA, true, false, false, true, false));
        Stage1Context c = ctx(Structures.sharedCd(small.pgd(), ASID, 0b101, false, false, false, 0).with(Cd.T0SZ, 39));
        assertThat(c.startLevel()).isEqualTo(2);
        CostMeter m = new CostMeter();
        assertThat(pa(translator.translate(c, (1L << 25) - 4096, Access.READ, m, epoch.startFill()))).isEqualTo(PA);
        assertThat(m.descriptorsRead).as("levels 2 and 3").isEqualTo(2);
        assertFault(translate(c, 1L << 25, Access.READ), EventType.F_TRANSLATION);
        pt.map((1L << 48) - 4096, Pte.userPage(PA, true, false, false, true, false));
        Stage1Context wide = ctx(cd(false, false));
        assertThat(pa(translate(wide, (1L << 48) - 4096, Access.READ))).isEqualTo(PA);
        assertFault(translate(wide, 1L << 48, Access.READ), EventType.F_TRANSLATION);
    }

    @Test
    void aTaggedPointerFaultsWithoutTopByteIgnoreAndTranslatesWithIt() {
        pt.map(VA, Pte.userPage(PA, true, false, false, true, false));
        long tagged = VA | 0x5AL << 56;
        assertFault(translate(ctx(cd(false, false)), tagged, Access.READ), EventType.F_TRANSLATION);
        assertThat(pa(translate(ctx(cd(false, false).with(Cd.TBI0, true)), tagged + 8, Access.READ))).isEqualTo(PA + 8);
    }

    @Test
    void missingLevelsAndReservedEncodingsAreTranslationFaults() {
        Stage1Context c = ctx(cd(false, false));
        assertFault(translate(c, VA, Access.READ), EventType.F_TRANSLATION);
        pt.map(VA, Pte.userPage(PA, true, false, false, true, false));
        pt.setLeaf(VA, Pte.TYPE.with(pt.leaf(VA), false));
        assertFault(translate(c, VA, Access.READ), EventType.F_TRANSLATION);
        pt.setLeaf(VA, Pte.swapEntry(77));
        assertFault(translate(c, VA, Access.READ), EventType.F_TRANSLATION);
        pt.clear(VA, 1);
        assertFault(translate(c, VA, Access.READ), EventType.F_TRANSLATION);
        pt.mapBlock(VA, 0, Pte.TYPE.with(Pte.userPage(0, true, false, false, true, false), false));
        assertFault(translate(c, VA, Access.READ), EventType.F_TRANSLATION);
    }

    @Test
    void aBlockTranslatesTheOffsetInsideIt() {
        long block = Pte.TYPE.with(Pte.userPage(0x4020_0000L, true, true, false, true, true), false);
        pt.mapBlock(0x4000_0000L, 2, block);
        Stage1Translator.Outcome o = translate(ctx(cd(false, false)), 0x4012_3456L, Access.WRITE);
        assertThat(pa(o)).isEqualTo(0x4032_3456L);
        assertThat(((Stage1Translator.Mapped) o).sizeShift()).isEqualTo(21);
    }

    @Test
    void outputAndTableAddressesBeyondTheEffectiveIpsAreAddressSizeFaults() {
        Cd ips40 = cd(false, false).with(Cd.IPS, 0b010);
        pt.map(VA, Pte.userPage(1L << 40, true, false, false, true, false));
        assertFault(translate(ctx(ips40), VA, Access.READ), EventType.F_ADDR_SIZE);
        assertThat(pa(translate(ctx(cd(false, false)), VA, Access.READ))).isEqualTo(1L << 40);
        long other = 0x0000_1000_0000_0000L;
        pt.map(other, Pte.userPage(PA, true, false, false, true, false));
        pt.updateTable(other, 2, d -> Pte.TABLE_ADDR.withAddress(d, 1L << 41));
        assertFault(translate(ctx(ips40), other, Access.READ), EventType.F_ADDR_SIZE);
    }

    @Test
    void epd0FaultsWithoutWalking() {
        pt.map(VA, Pte.userPage(PA, true, false, false, true, false));
        CostMeter m = new CostMeter();
        assertFault(translator.translate(ctx(cd(false, false).with(Cd.EPD0, true)), VA, Access.READ, m, epoch.startFill()), EventType.F_TRANSLATION);
        assertThat(m.descriptorsRead).isZero();
    }

    @Test
    void aWalkThatLeavesRamIsAnExternalAbortAtTheDescriptor() {
        Stage1Context c = ctx(Structures.sharedCd(bus.size(), ASID, 0b101, false, false, false, 0));
        Stage1Translator.Outcome o = translate(c, 0, Access.READ);
        assertFault(o, EventType.F_WALK_EABT);
        assertThat(((Stage1Translator.Faulted) o).fetchPa()).isEqualTo(bus.size());
    }

    @Test
    void theWalkCacheSkipsUpperLevelsUntilANonLeafInvalidation() {
        pt.map(VA, Pte.userPage(PA, true, false, false, true, false));
        pt.map(VA + 4096, Pte.userPage(PA + 4096, true, false, false, true, false));
        Stage1Context c = ctx(cd(false, false));
        translate(c, VA, Access.READ);
        CostMeter m = new CostMeter();
        assertThat(pa(translator.translate(c, VA + 4096, Access.READ, m, epoch.startFill()))).isEqualTo(PA + 4096);
        assertThat(m.walkCacheHit).isTrue();
        assertThat(m.descriptorsRead).isEqualTo(1);

        pt.clear(VA, 2); // the level-3 table is gone from the tables in RAM
        long next = VA + 2 * 4096;
        TlbInvalidation leafOnly = new TlbInvalidation(TlbInvalidation.Regime.NH, TlbInvalidation.Scope.VA, ASID, next, true, 0, 0, 0, 0);
        walkCache.invalidate(InvalidationScope.of(leafOnly, false));
        assertFault(translate(c, next, Access.READ), EventType.F_TRANSLATION); // the cached table is still used: its entry is 0
        pt.map(next, Pte.userPage(PA, true, false, false, true, false)); // a new level-3 table, not the cached one
        assertFault(translate(c, next, Access.READ), EventType.F_TRANSLATION);
        walkCache.invalidate(InvalidationScope.of(TlbInvalidation.va(TlbInvalidation.Regime.NH, ASID, next, false), false));
        assertThat(pa(translate(c, next, Access.READ))).isEqualTo(PA);
    }

    @Test
    void httuControlsFollowIdr0AndTheHdHaPair() {
        SmmuConfig noHttu = SmmuConfig.builder().httu(Httu.NONE).build();
        Stage1Context c = Stage1Context.of(cd(true, true), false, noHttu);
        assertThat(c.ha()).isFalse();
        assertThat(c.hd()).isFalse();
        Stage1Context hdOnly = Stage1Context.of(cd(false, true), false, SmmuConfig.defaults());
        assertThat(hdOnly.hd()).as("{HD, HA} = 0b10 behaves as 0b00").isFalse();
    }
}
