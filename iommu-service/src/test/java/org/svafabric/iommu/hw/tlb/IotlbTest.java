package org.svafabric.iommu.hw.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;

class IotlbTest {
    private final InvalidationEpoch epoch = new InvalidationEpoch();

    private static TlbEntry page(boolean el2, int asid, boolean global, boolean aset, long va) {
        return new TlbEntry(el2, asid, global, aset, va >>> 12, 0x8000_0000L + (va & 0xfff_f000L), 0x3f, va & ~0xfffL, 12);
    }

    private static TlbEntry block(int asid, long va, int shift) {
        return new TlbEntry(false, asid, false, false, va >>> 12, 0x4000_0000L, 0x3f, va & -(1L << shift), shift);
    }

    private Iotlb fill(Iotlb tlb, TlbEntry... entries) {
        for (TlbEntry e : entries) {
            assertThat(tlb.insert(e, epoch.startFill())).isTrue();
        }
        return tlb;
    }

    private static int invalidate(Iotlb tlb, TlbInvalidation inv) {
        return tlb.invalidate(InvalidationScope.of(inv, false));
    }

    @Test
    void lookupMatchesRegimeAsidAndPage() {
        Iotlb tlb = fill(new Iotlb(16, 4, epoch), page(false, 1, false, false, 0x1000));
        assertThat(tlb.lookup(false, 1, false, 1)).isNotNull();
        assertThat(tlb.lookup(false, 2, false, 1)).as("other ASID").isNull();
        assertThat(tlb.lookup(true, 1, false, 1)).as("EL2 regime").isNull();
        assertThat(tlb.lookup(false, 1, false, 2)).as("other page").isNull();
        assertThat(tlb.stats().hits()).isEqualTo(1);
        assertThat(tlb.stats().misses()).isEqualTo(3);
    }

    @Test
    void globalEntriesMatchEveryAsidOfTheSameAset() {
        Iotlb tlb = fill(new Iotlb(16, 4, epoch), page(false, 1, true, false, 0x1000));
        assertThat(tlb.lookup(false, 99, false, 1)).isNotNull();
        assertThat(tlb.lookup(false, 99, true, 1)).as("ASET = 1 context").isNull();
    }

    @Test
    void aFullSetEvictsItsLeastRecentlyUsedEntry() {
        Iotlb tlb = new Iotlb(4, 4, epoch); // one set
        fill(tlb, page(false, 1, false, false, 0x1000), page(false, 1, false, false, 0x2000),
                page(false, 1, false, false, 0x3000), page(false, 1, false, false, 0x4000));
        tlb.lookup(false, 1, false, 1); // 0x1000 becomes the most recent; 0x2000 is now the oldest
        fill(tlb, page(false, 1, false, false, 0x5000));
        assertThat(tlb.lookup(false, 1, false, 2)).isNull();
        assertThat(tlb.lookup(false, 1, false, 1)).isNotNull();
        assertThat(tlb.lookup(false, 1, false, 5)).isNotNull();
        assertThat(tlb.stats().evictions()).isEqualTo(1);
        assertThat(tlb.size()).isEqualTo(4);
    }

    @Test
    void aPeekFindsTheEntryWithoutUsingOrCountingIt() {
        Iotlb tlb = new Iotlb(4, 4, epoch); // one set
        fill(tlb, page(false, 1, false, false, 0x1000), page(false, 1, false, false, 0x2000),
                page(false, 1, false, false, 0x3000), page(false, 1, false, false, 0x4000));
        assertThat(tlb.peek(false, 1, false, 1)).isEqualTo(page(false, 1, false, false, 0x1000));
        assertThat(tlb.peek(false, 2, false, 1)).as("other ASID").isNull();
        assertThat(tlb.stats().hits() + tlb.stats().misses()).isZero();
        fill(tlb, page(false, 1, false, false, 0x5000));
        assertThat(tlb.peek(false, 1, false, 1)).as("still the least recently used: evicted").isNull();
    }

    @Test
    void refillingThePageReplacesItsEntry() {
        Iotlb tlb = new Iotlb(4, 4, epoch);
        fill(tlb, page(false, 1, false, false, 0x1000));
        TlbEntry dirty = new TlbEntry(false, 1, false, false, 1, 0x9000, 0x3f, 0x1000, 12);
        fill(tlb, dirty);
        assertThat(tlb.lookup(false, 1, false, 1)).isEqualTo(dirty);
        assertThat(tlb.size()).isEqualTo(1);
        assertThat(tlb.stats().evictions()).isZero();
    }

    @Test
    void byAsidRemovesThatAsidsNonGlobalEntriesOnly() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), page(false, 1, false, false, 0x1000), page(false, 2, false, false, 0x2000),
                page(false, 1, true, false, 0x3000));
        assertThat(invalidate(tlb, TlbInvalidation.asid(Regime.NH, 1))).isEqualTo(1);
        assertThat(tlb.lookup(false, 2, false, 2)).isNotNull();
        assertThat(tlb.lookup(false, 1, false, 3)).isNotNull();
    }

    @Test
    void byVaRemovesTheAsidsAndGlobalEntriesOfThatPage() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), page(false, 1, false, false, 0x1000), page(false, 2, false, false, 0x1000),
                page(false, 3, true, false, 0x1000), page(false, 1, false, false, 0x2000));
        assertThat(invalidate(tlb, TlbInvalidation.va(Regime.NH, 1, 0x1abc, true))).isEqualTo(2);
        assertThat(tlb.lookup(false, 2, false, 1)).isNotNull();
        assertThat(tlb.lookup(false, 1, false, 2)).isNotNull();
    }

    @Test
    void byVaAllAsidsRemovesThePageEverywhere() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), page(false, 1, false, false, 0x1000), page(false, 2, false, false, 0x1000));
        TlbInvalidation vaa = new TlbInvalidation(Regime.NH, Scope.VAA, 0, 0x1000, true, 0, 0, 0, 0);
        assertThat(invalidate(tlb, vaa)).isEqualTo(2);
    }

    @Test
    void anAddressInsideABlockRemovesEveryPageCachedFromIt() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), block(1, 0x20_0000, 21), block(1, 0x21_0000, 21), block(1, 0x40_0000, 21));
        assertThat(invalidate(tlb, TlbInvalidation.va(Regime.NH, 1, 0x3f_f000, true))).isEqualTo(2);
        assertThat(tlb.size()).isEqualTo(1);
    }

    @Test
    void aRangeInvalidationCoversNumPlusOneTimesTwoToTheScalePagesOfTheGranule() {
        Iotlb tlb = new Iotlb(64, 4, epoch);
        for (int i = 0; i < 8; i++) {
            fill(tlb, page(false, 1, false, false, 0x10_0000 + i * 0x1000L));
        }
        // TG = 4 KiB, NUM = 2, SCALE = 1: (2 + 1) * 2^1 = 6 pages from 0x10_1000
        TlbInvalidation range = new TlbInvalidation(Regime.NH, Scope.VA, 1, 0x10_1000, true, 1, 2, 1, 0);
        assertThat(invalidate(tlb, range)).isEqualTo(6);
        assertThat(tlb.lookup(false, 1, false, 0x100)).isNotNull();
        assertThat(tlb.lookup(false, 1, false, 0x107)).isNotNull();
        assertThat(tlb.lookup(false, 1, false, 0x106)).isNull();
    }

    @Test
    void el2FormsOnlyTouchEl2EntriesAndNhFormsOnlyNh() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), page(false, 1, false, false, 0x1000), page(true, 1, false, false, 0x1000));
        assertThat(invalidate(tlb, TlbInvalidation.all(Regime.EL2))).isEqualTo(1);
        assertThat(tlb.lookup(false, 1, false, 1)).isNotNull();
        fill(tlb, page(true, 1, false, false, 0x1000));
        assertThat(invalidate(tlb, TlbInvalidation.asid(Regime.NH, 1))).isEqualTo(1);
        assertThat(tlb.lookup(true, 1, false, 1)).isNotNull();
        assertThat(invalidate(tlb, TlbInvalidation.all(Regime.NSNH))).as("NSNH_ALL leaves EL2 entries").isZero();
    }

    @Test
    void broadcastByAsidSkipsAsetOneEntriesButBroadcastAllDoesNot() {
        Iotlb tlb = fill(new Iotlb(64, 4, epoch), page(false, 1, false, false, 0x1000), page(false, 1, false, true, 0x2000));
        assertThat(tlb.invalidate(InvalidationScope.of(TlbInvalidation.asid(Regime.NH, 1), true))).isEqualTo(1);
        assertThat(tlb.lookup(false, 1, true, 2)).isNotNull();
        assertThat(tlb.invalidate(InvalidationScope.of(TlbInvalidation.all(Regime.NH), true))).isEqualTo(1);
    }

    @Test
    void aFillFromAWalkThatOverlappedAnInvalidationIsDropped() {
        Iotlb tlb = new Iotlb(16, 4, epoch);
        long walk = epoch.startFill();
        invalidate(tlb, TlbInvalidation.all(Regime.NH));
        assertThat(tlb.insert(page(false, 1, false, false, 0x1000), walk)).isFalse();
        assertThat(tlb.size()).isZero();
    }

    @Test
    void noFillStartsWhileAnInvalidationIsInProgress() {
        epoch.beginInvalidation();
        long walk = epoch.startFill();
        epoch.endInvalidation();
        assertThat(walk).isEqualTo(InvalidationEpoch.NO_FILL);
        assertThat(epoch.mayFill(walk)).isFalse();
        assertThat(epoch.mayFill(epoch.startFill())).isTrue();
    }
}
