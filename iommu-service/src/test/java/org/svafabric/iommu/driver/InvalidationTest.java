package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.hw.cmd.CmdAtcInv;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;
import org.svafabric.iommu.hw.layout.Ste;

/** TLB and ATC invalidation: ranges with and without RIL, BTM, VHE, and the ASID-wide cut-over. */
class InvalidationTest {
    private static final long VA = 0x7f00_0000_1000L;

    private static DriverHarness boundDevice(SmmuConfig config, DriverSettings settings) {
        DriverHarness h = new DriverHarness(config, settings);
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.driver.attach(m.device, 1, 0x8000_0000L, 9, false);
        h.tlbis.clear();
        h.port.invalidations.clear();
        return h;
    }

    @Test
    void withRilThirtyFivePagesTakeTwoRangeCommands() {
        DriverHarness h = boundDevice(SmmuConfig.defaults(), DriverSettings.defaults());
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 35 * 4096L, false);
        // 35 = 0b100011: SCALE 0 with NUM + 1 = 3, then SCALE 5 with NUM + 1 = 1 (32 pages).
        assertThat(h.tlbis).containsExactly(
                new TlbInvalidation(Regime.NH, Scope.VA, 9, VA, false, 1, 2, 0, 0),
                new TlbInvalidation(Regime.NH, Scope.VA, 9, VA + 3 * 4096L, false, 1, 0, 5, 0));
        assertThat(h.port.invalidations).singleElement().satisfies(inv -> {
            assertThat(inv.ssid()).isEqualTo(1);
            // 35 pages from page 0x7f0000001: the aligned span covering them is 2^6 pages.
            assertThat(inv.log2Pages()).isEqualTo(6);
            assertThat(inv.addr()).isEqualTo(0x7f00_0000_0000L);
        });
    }

    @Test
    void withoutRilEveryPageHasItsOwnCommand() {
        DriverHarness h = boundDevice(SmmuConfig.builder().ril(false).build(), DriverSettings.defaults());
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 35 * 4096L, false);
        assertThat(h.tlbis).hasSize(35).allSatisfy(t -> {
            assertThat(t.scope()).isEqualTo(Scope.VA);
            assertThat(t.tg()).isZero();
        });
        assertThat(h.tlbis.get(34).va()).isEqualTo(VA + 34 * 4096L);
    }

    /** Without RIL, above the threshold one TLBI by ASID (Linux's CMDQ_MAX_TLBI_OPS cut-over). */
    @Test
    void withoutRilAboveTheThresholdOneTlbiByAsid() {
        DriverHarness h = boundDevice(SmmuConfig.builder().ril(false).build(), DriverSettings.defaults().withTlbiMaxPages(16));
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 17 * 4096L, false);
        assertThat(h.tlbis).containsExactly(TlbInvalidation.asid(Regime.NH, 9));
    }

    /**
     * With RIL the range is kept however large (Linux applies the ASID cut-over only without
     * ARM_SMMU_FEAT_RANGE_INV). This test used to lock in a TLBI by ASID with RIL, which was wrong.
     */
    @Test
    void withRilAboveTheThresholdStillRangeCommands() {
        DriverHarness h = boundDevice(SmmuConfig.defaults(), DriverSettings.defaults().withTlbiMaxPages(16));
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 1024 * 4096L, false);
        // 1024 = 2^10: one command, SCALE 10, NUM + 1 = 1.
        assertThat(h.tlbis).containsExactly(new TlbInvalidation(Regime.NH, Scope.VA, 9, VA, false, 1, 0, 10, 0));
    }

    /**
     * IHI 0070 §4.4.1.1: TG != 0 with NUM = 0, SCALE = 0, TTL = 0 is Reserved. A non-leaf range of 1 or 33
     * pages (1 mod 32) is widened by one page, as Linux's {@code num_pages++}, so no command is Reserved.
     */
    @Test
    void ihi0070s4411_nonLeafRangesOfOneOr33PagesNeverEmitTheReservedEncoding() {
        for (long pages : new long[] {1, 33, 65}) {
            DriverHarness h = boundDevice(SmmuConfig.defaults(), DriverSettings.defaults());
            Master m = h.driver.masterOf("0000:01:00.0");
            h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + pages * 4096L, false);
            assertThat(h.tlbis).as(pages + " pages").isNotEmpty().noneMatch(t -> t.tg() != 0 && t.num() == 0 && t.scale() == 0 && t.ttl() == 0);
            assertThat(h.tlbis.stream().mapToLong(t -> (long) (t.num() + 1) << t.scale()).sum())
                    .as("pages covered").isEqualTo(pages + 1);
        }
    }

    /** A leaf range of one page keeps TTL = 3, which makes NUM = SCALE = 0 legal: no widening. */
    @Test
    void aLeafRangeOfOnePageUsesTheLevelHint() {
        TlbInvalidator tlbi = new TlbInvalidator(true, false, 512);
        assertThat(tlbi.range(9, VA, VA + 4096L, true)).singleElement().satisfies(c -> {
            assertThat(c.num()).isZero();
            assertThat(c.scale()).isZero();
            assertThat(c.ttl()).isEqualTo(3);
        });
    }

    @Test
    void withBtmOnlyTheAtcIsInvalidatedByCommand() {
        DriverHarness h = boundDevice(SmmuConfig.builder().btm(true).build(), DriverSettings.defaults().withBtm(true));
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 4096L, true);
        assertThat(h.tlbis).isEmpty();
        assertThat(h.port.invalidations).hasSize(1);
    }

    @Test
    void btmOfferedByTheSmmuButNotEnabledStillSendsTlbis() {
        DriverHarness h = boundDevice(SmmuConfig.builder().btm(true).build(), DriverSettings.defaults());
        Master m = h.driver.masterOf("0000:01:00.0");
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 4096L, true);
        assertThat(h.tlbis).hasSize(1);
    }

    @Test
    void withVheTheEl2FormsAreUsed() {
        DriverHarness h = boundDevice(SmmuConfig.builder().hyp(true).build(), DriverSettings.defaults().withE2h(true));
        Master m = h.driver.masterOf("0000:01:00.0");
        assertThat(Ste.STRW.get(h.driver.steOf(m.sid()))).isEqualTo(Ste.STRW_EL2);
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 4096L, false);
        h.driver.detach(m.device, 1, 9);
        assertThat(h.tlbis).extracting(TlbInvalidation::regime).containsOnly(Regime.EL2);
        assertThat(h.tlbis).extracting(TlbInvalidation::scope).containsExactly(Scope.VA, Scope.ASID);
    }

    @Test
    void atcInvalidationSpansAreNaturallyAlignedPowersOfTwo() {
        CmdAtcInv one = TlbInvalidator.atcInv(1, true, 5, 0x5000, 0x6000);
        assertThat(one.addr()).isEqualTo(0x5000);
        assertThat(one.size()).isZero();
        // Pages 1 and 2 differ in bit 1 and 0: a 4-page span from page 0.
        CmdAtcInv two = TlbInvalidator.atcInv(1, true, 5, 0x1000, 0x3000);
        assertThat(two.addr()).isZero();
        assertThat(two.size()).isEqualTo(2);
        CmdAtcInv all = TlbInvalidator.atcInv(1, false, 0, 0, 0);
        assertThat(all.size()).isEqualTo(CmdAtcInv.SIZE_ALL);
    }

    @Test
    void aDeviceWithoutAtsGetsNoAtcInvalidation() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        h.driver.enableSva(m.device, true);
        h.driver.attach(m.device, 1, 0x8000_0000L, 9, true);
        h.port.invalidations.clear();
        h.driver.invalidateRange(List.of(m.device), 1, 9, VA, VA + 4096L, false);
        assertThat(h.port.invalidations).isEmpty();
    }
}
