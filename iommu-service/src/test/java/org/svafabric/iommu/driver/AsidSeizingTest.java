package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.layout.Cd;

/** The series' "Seize private ASID": a process's ASID wins over a private domain's. */
class AsidSeizingTest {

    @Test
    void bindingAnMmWhoseAsidAPrivateDomainUsesMovesTheDomain() {
        DriverHarness h = new DriverHarness();
        Master classic = h.driver.addMaster(DriverHarness.pci("0000:03:00.0", 0, false, false));
        Master sva = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        PrivateDomain d = h.driver.createDomain();
        int taken = h.driver.asidOf(d);
        h.driver.attachDomain(d, classic.id());
        assertThat(Cd.ASID.get(h.driver.cdOf(classic.id(), 0)[0])).isEqualTo(taken);
        h.tlbis.clear();
        h.journal.clear();

        h.driver.attach(sva.device, 1, 0x8000_0000L, taken, false);

        int moved = h.driver.asidOf(d);
        assertThat(moved).isNotEqualTo(taken);
        long[] privateCd = h.driver.cdOf(classic.id(), 0);
        assertThat(Cd.ASID.get(privateCd[0])).isEqualTo(moved);
        assertThat(Cd.V.isSet(privateCd)).as("the private CD stays live").isTrue();
        assertThat(h.tlbis).contains(TlbInvalidation.asid(Regime.NH, taken));
        assertThat(Cd.ASID.get(h.driver.cdOf(sva.id(), 1)[0])).isEqualTo(taken);
        // The domain's CD is rewritten and its config invalidated before the old ASID's TLB entries go.
        assertThat(h.journal).containsSubsequence("CFGI_CD 768/0", "TLBI NH ASID " + taken);
    }

    @Test
    void afterSeizingUnmapInvalidatesTheDomainsNewAsid() {
        DriverHarness h = new DriverHarness();
        Master classic = h.driver.addMaster(DriverHarness.pci("0000:03:00.0", 0, false, false));
        Master sva = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        PrivateDomain d = h.driver.createDomain();
        h.driver.attachDomain(d, classic.id());
        h.driver.map(d, 0x10_0000, List.of(0x20_0000L), true, true);
        int taken = h.driver.asidOf(d);
        h.driver.attach(sva.device, 1, 0x8000_0000L, taken, false);
        h.tlbis.clear();
        assertThat(h.driver.unmap(d, 0x10_0000, 4096)).isEqualTo(4096);
        assertThat(h.tlbis).singleElement().extracting(TlbInvalidation::asid).isEqualTo(h.driver.asidOf(d));
    }

    @Test
    void twoDevicesOfOneMmShareItsAsidAndAnotherMmCannotClaimIt() {
        DriverHarness h = new DriverHarness();
        Master a = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        Master b = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 16, true, true));
        h.driver.attach(a.device, 1, 0x8000_0000L, 300, false);
        h.driver.attach(b.device, 1, 0x8000_0000L, 300, false);
        Throwable stale = catchThrowable(() -> h.driver.attach(b.device, 2, 0x9000_0000L, 300, false));
        assertThat(stale).isInstanceOf(ErrnoException.class);
        assertThat(((ErrnoException) stale).errno()).isEqualTo(Errno.EEXIST);
        // One detach leaves the ASID held by the other device's CD; private domains must skip it.
        h.driver.detach(a.device, 1, 300);
        PrivateDomain d = h.driver.createDomain();
        assertThat(h.driver.asidOf(d)).isNotEqualTo(300);
    }

    @Test
    void privateAsidsAreTheLowestFreeAndReturnWhenTheDomainIsFreed() {
        DriverHarness h = new DriverHarness();
        PrivateDomain first = h.driver.createDomain();
        PrivateDomain second = h.driver.createDomain();
        assertThat(h.driver.asidOf(first)).isEqualTo(1);
        assertThat(h.driver.asidOf(second)).isEqualTo(2);
        h.driver.freeDomain(first);
        assertThat(h.driver.asidOf(h.driver.createDomain())).isEqualTo(1);
    }
}
