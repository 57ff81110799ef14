package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.cmd.Command;
import org.svafabric.iommu.hw.regs.SmmuConfig;

/**
 * The strict model: commands between two CMD_SYNCs complete in any order (IHI 0070 §4.1.4), here in a seeded
 * shuffled order. The endpoint refetches a translation the moment its ATC is invalidated, as a device with DMA
 * in flight does. §4.5.1: "after ensuring completion of the SMMU translation invalidate, issue a CMD_ATC_INV" —
 * TLBI; SYNC; ATC_INV; SYNC. The old driver sequence (TLBI + ATC_INV; SYNC) lets the ATC_INV complete first,
 * and the refetch then hits the SMMU's stale IOTLB entry: the endpoint caches the freed page again.
 */
class StrictCommandOrderTest {
    private static final long VA = 0x7f00_0012_3000L;
    private static final long OLD_PA = 0x4_5678_9000L;
    private static final long NEW_PA = 0x4_5678_a000L;
    private static final int PASID = 3;
    private static final int ASID = 0x42;

    /** What the endpoint's refetches got, one per ATC invalidation it received. */
    private record Run(DriverHarness h, Master m, long leafPa, List<Long> refetched) {
    }

    private static Run boundEndpoint(long seed) {
        DriverHarness h = new DriverHarness(SmmuConfig.defaults(), DriverSettings.defaults(), true);
        h.smmu.commandQueue().completeInShuffledOrder(seed);
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        long pgd = h.ram.allocKernelPages("cpu", 1);
        long table = pgd;
        for (int level = 0; level < 3; level++) {
            long next = h.ram.allocKernelPages("cpu", 1);
            h.ram.write64(table + 8L * Vmsa.index(VA, level), Pte.table(next));
            table = next;
        }
        long leafPa = table + 8L * Vmsa.index(VA, 3);
        h.ram.write64(leafPa, Pte.userPage(OLD_PA, true, true, false, true, true));
        h.driver.attach(m.device, PASID, pgd, ASID, false);
        List<Long> refetched = new ArrayList<>();
        assertThat(translate(h, m)).as("warm: the SMMU's IOTLB holds the old page").isEqualTo(OLD_PA);
        h.port.onInvalidate(inv -> refetched.add(translate(h, m)));
        // The CPU moves the page (a migration): the PTE now points elsewhere and the old page will be freed.
        h.ram.write64(leafPa, Pte.userPage(NEW_PA, true, true, false, true, true));
        return new Run(h, m, leafPa, refetched);
    }

    private static long translate(DriverHarness h, Master m) {
        Translation t = h.model.translate(new TransactionRequest(m.sid(), PASID, VA, false, false, false));
        return t instanceof Translation.Ok ok ? ok.pa() : -1;
    }

    @Test
    void ihi0070s414_theOldSequenceWithoutTheIntermediateSyncGivesAStaleTranslationOnTheStrictModel() {
        int stale = 0;
        for (long seed = 0; seed < 16; seed++) {
            Run r = boundEndpoint(seed);
            // The driver's sequence before the fix: TLBI and ATC_INV with one CMD_SYNC after both.
            List<Command> old = new ArrayList<>(r.h().driver.tlbInvalidator().range(ASID, VA, VA + 4096, false));
            old.add(TlbInvalidator.atcInv(r.m().sid(), true, PASID, VA, VA + 4096));
            r.h().driver.cmdq().issueSync(old);
            assertThat(r.refetched()).hasSize(1);
            if (r.refetched().get(0) == OLD_PA) {
                stale++;
            }
        }
        assertThat(stale).as("seeds whose order completed the ATC_INV before the TLBI").isPositive();
    }

    @Test
    void ihi0070s451_theDriversTlbiSyncAtcInvSyncNeverDoesWhateverTheOrder() {
        for (long seed = 0; seed < 16; seed++) {
            Run r = boundEndpoint(seed);
            r.h().driver.invalidateRange(List.of(r.m().device), PASID, ASID, VA, VA + 4096, false);
            assertThat(r.refetched()).as("seed " + seed).containsExactly(NEW_PA);
        }
    }

    @Test
    void theDriversDetachLeavesNoTranslationWhateverTheOrder() {
        for (long seed = 0; seed < 16; seed++) {
            Run r = boundEndpoint(seed);
            r.h().driver.detach(r.m().device, PASID, ASID);
            assertThat(r.refetched()).as("seed " + seed + ": the CD is gone before the endpoint refetches").containsExactly(-1L);
        }
    }
}
