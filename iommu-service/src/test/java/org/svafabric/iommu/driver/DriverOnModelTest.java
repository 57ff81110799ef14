package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.regs.SmmuConfig;

/** The driver's tables read by the SMMU model: what the driver writes must translate as it means. */
class DriverOnModelTest {

    /** A process page table with one user page at {@code va} -> {@code pa}, built the way mm-service builds it. */
    private static long processTable(DriverHarness h, long va, long pa, boolean write) {
        long pgd = h.ram.allocKernelPages("cpu", 1);
        long table = pgd;
        for (int level = 0; level < 3; level++) {
            long next = h.ram.allocKernelPages("cpu", 1);
            h.ram.write64(table + 8L * Vmsa.index(va, level), Pte.table(next));
            table = next;
        }
        h.ram.write64(table + 8L * Vmsa.index(va, 3), Pte.userPage(pa, true, write, false, true, true));
        return pgd;
    }

    private static String why(Translation t) {
        return t instanceof Translation.Fault f ? f.event().type() + ": " + f.detail() : t.toString();
    }

    @Test
    void aSharedCdTranslatesThroughTheProcessPageTable() {
        DriverHarness h = new DriverHarness(SmmuConfig.defaults(), DriverSettings.defaults(), true);
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        long va = 0x7f00_0012_3000L;
        long pgd = processTable(h, va, 0x4_5678_9000L, true);
        h.driver.attach(m.device, 3, pgd, 0x42, false);
        Translation t = h.model.translate(new TransactionRequest(m.sid(), 3, va + 0x10, true, false, false));
        assertThat(t).as(why(t)).isInstanceOf(Translation.Ok.class);
        assertThat(((Translation.Ok) t).pa()).isEqualTo(0x4_5678_9010L);
    }

    @Test
    void aStallingPlatformDeviceGetsALegalSteAndCd() {
        DriverHarness h = new DriverHarness(SmmuConfig.defaults(), DriverSettings.defaults(), true);
        Master m = h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        long va = 0x7f00_0000_0000L;
        long pgd = processTable(h, va, 0x9000, true);
        h.driver.attach(m.device, 1, pgd, 5, true);
        Translation hit = h.model.translate(new TransactionRequest(0x10, 1, va, false, false, false));
        assertThat(hit).as(why(hit)).isInstanceOf(Translation.Ok.class);
        Translation miss = h.model.translate(new TransactionRequest(0x10, 1, va + 0x1000, true, false, false));
        assertThat(miss).as(why(miss)).isInstanceOf(Translation.Fault.class);
        assertThat(((Translation.Fault) miss).event().type()).isEqualTo(EventType.F_TRANSLATION);
        assertThat(((Translation.Fault) miss).stall()).as("CD.S = 1, STE.S1STALLD = 0").isTrue();
    }

    @Test
    void aPrivateDomainMapsIovasAndUnmapIsSeenByTheSmmu() {
        DriverHarness h = new DriverHarness(SmmuConfig.defaults(), DriverSettings.defaults(), true);
        Master m = h.driver.addMaster(DriverHarness.pci("0000:03:00.0", 0, false, false));
        PrivateDomain d = h.driver.createDomain();
        h.driver.attachDomain(d, m.id());
        h.driver.map(d, 0x10_0000, List.of(0x7_0000L, 0x9_0000L), true, false);
        Translation read = h.model.translate(new TransactionRequest(m.sid(), TransactionRequest.NO_SSID, 0x10_1008, false, false, false));
        assertThat(read).as(why(read)).isInstanceOf(Translation.Ok.class);
        assertThat(((Translation.Ok) read).pa()).isEqualTo(0x9_0008L);
        Translation write = h.model.translate(new TransactionRequest(m.sid(), TransactionRequest.NO_SSID, 0x10_1008, true, false, false));
        assertThat(write).isInstanceOf(Translation.Fault.class);
        assertThat(((Translation.Fault) write).event().type()).isEqualTo(EventType.F_PERMISSION);

        assertThat(h.driver.unmap(d, 0x10_0000, 0x3000)).as("stops at the first hole").isEqualTo(0x2000);
        Translation gone = h.model.translate(new TransactionRequest(m.sid(), TransactionRequest.NO_SSID, 0x10_1008, false, false, false));
        assertThat(gone).as("no stale IOTLB entry after unmap").isInstanceOf(Translation.Fault.class);
        assertThat(((Translation.Fault) gone).event().type()).isEqualTo(EventType.F_TRANSLATION);
    }
}
