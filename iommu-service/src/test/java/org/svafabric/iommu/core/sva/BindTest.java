package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.BondView;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.svafabric.iommu.core.testing.SvaHarness.SVA;

import java.util.EnumSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.ProcessInfo;
import org.svafabric.iommu.core.testing.FakeIommuDriver;
import org.svafabric.iommu.core.testing.SvaHarness;

/** iommu_sva_bind_device, iommu_sva_unbind_device and iommu_sva_find (v1 semantics). */
class BindTest {
    private final SvaHarness h = new SvaHarness();
    private final Device a = h.initPci("00:01.0", 8);
    private final Device b = h.initPci("00:02.0", 16);

    @AfterEach
    void close() {
        h.close();
    }

    private static void assertErrno(Runnable call, Errno errno, String slug) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrnoException.class, e -> {
            assertThat(e.errno()).isEqualTo(errno);
            assertThat(e.slug()).isEqualTo(slug);
        });
    }

    @Test
    void bindInstallsTheProcessPageTableAndPinnedAsidAtThePasid() {
        h.process(42);
        int pasid = h.bind(a, 42);
        assertThat(pasid).isEqualTo(1);
        assertThat(h.driver.cds).containsExactly(
                java.util.Map.entry("00:01.0:1", new FakeIommuDriver.Cd(h.mm.pgd(42), h.mm.asid(42), false)));
        assertThat(h.mm.pinCount(42)).isEqualTo(1);
        assertThat(h.mm.subscriptionsOf(42)).isEqualTo(1);
        assertThat(h.sva.find(1)).hasValue(42);
        CoreEvent bind = h.events.ofType(CoreEvent.Type.BIND).get(0);
        assertThat(bind).isEqualTo(new CoreEvent(CoreEvent.Type.BIND, "00:01.0", 8, 1, 42L, null, null));
    }

    @Test
    void twoDevicesBoundToOneMmShareItsPasid() {
        h.process(1);
        h.process(2);
        assertThat(h.bind(a, 1)).isEqualTo(1);
        assertThat(h.bind(a, 2)).isEqualTo(2);
        assertThat(h.bind(b, 2)).isEqualTo(2);
        assertThat(h.driver.cds).containsOnlyKeys("00:01.0:1", "00:01.0:2", "00:02.0:2");
        // One io_mm: one pin and one notifier for the mm, whatever the number of devices.
        assertThat(h.mm.pinCount(2)).isEqualTo(1);
        assertThat(h.mm.subscriptionsOf(2)).isEqualTo(1);
        assertThat(h.sva.pasid(2).orElseThrow().bonds()).extracting(BondView::device).containsExactlyInAnyOrder("00:01.0", "00:02.0");
    }

    @Test
    void rebindingTheSameDeviceAndMmReturnsTheSamePasidAndNeedsOneMoreUnbind() {
        h.process(5);
        int pasid = h.bind(a, 5);
        assertThat(h.bind(a, 5)).isEqualTo(pasid);
        assertThat(h.driver.callsFor("attach")).hasSize(1);
        assertThat(h.sva.device("00:01.0").orElseThrow().bonds()).singleElement().extracting(BondView::refs).isEqualTo(2);

        h.sva.unbind(a, pasid);
        assertThat(h.driver.cds).containsKey("00:01.0:" + pasid);
        assertThat(h.sva.find(pasid)).hasValue(5);

        h.sva.unbind(a, pasid);
        assertThat(h.driver.cds).isEmpty();
        assertThat(h.sva.find(pasid)).isEmpty();
        assertErrno(() -> h.sva.unbind(a, pasid), Errno.ESRCH, "no-such-bond");
    }

    @Test
    void pasidsOneToFourThenEnospcWithMaxPasidFour() {
        Device small = SvaHarness.pci("00:03.0", 24);
        h.sva.deviceInit(small, SVA, 4);
        for (int pid = 1; pid <= 5; pid++) {
            h.process(pid);
        }
        for (int pid = 1; pid <= 4; pid++) {
            assertThat(h.bind(small, pid)).isEqualTo(pid);
        }
        assertErrno(() -> h.bind(small, 5), Errno.ENOSPC, "pasid-exhausted");
        // The failed bind left nothing behind.
        assertThat(h.mm.pinCount(5)).isZero();
        assertThat(h.mm.subscriptionsOf(5)).isZero();
        // A freed PASID is the lowest free one again.
        h.sva.unbind(small, 3);
        assertThat(h.bind(small, 5)).isEqualTo(3);
    }

    @Test
    void aPidWithNoRunningProcessIsEsrchEvenWhenNoPasidIsFree() {
        Device small = SvaHarness.pci("00:03.0", 24);
        h.sva.deviceInit(small, SVA, 2);
        h.process(1);
        h.process(2);
        h.bind(small, 1);
        h.bind(small, 2);
        h.process(3);
        h.mm.setState(3, ProcessInfo.State.EXITED);

        assertErrno(() -> h.bind(small, 99), Errno.ESRCH, "no-such-process");
        assertErrno(() -> h.bind(small, 3), Errno.ESRCH, "no-such-process");
        h.process(4);
        assertErrno(() -> h.bind(small, 4), Errno.ENOSPC, "pasid-exhausted");
        assertThat(h.mm.pinCount(4)).as("nothing taken for the refused binds").isZero();
        assertThat(h.sva.allocatedPasids()).isEqualTo(2);
    }

    @Test
    void anExistingPasidOutsideTheDeviceRangeIsErange() {
        Device small = SvaHarness.pci("00:03.0", 24);
        h.sva.deviceInit(small, SVA, 4);
        for (int pid = 1; pid <= 5; pid++) {
            h.process(pid);
            h.bind(a, pid);
        }
        assertThat(h.sva.find(5)).hasValue(5);
        assertErrno(() -> h.bind(small, 5), Errno.ERANGE, "pasid-out-of-range");
        assertThat(h.bind(small, 4)).isEqualTo(4);
        assertThat(h.sva.pasid(5).orElseThrow().bonds()).hasSize(1);
    }

    @Test
    void anUnknownOrExitingProcessIsEsrch() {
        assertErrno(() -> h.bind(a, 99), Errno.ESRCH, "no-such-process");
        h.process(7);
        h.mm.setState(7, ProcessInfo.State.EXITING);
        assertErrno(() -> h.bind(a, 7), Errno.ESRCH, "no-such-process");
        h.mm.setState(7, ProcessInfo.State.EXITED);
        assertErrno(() -> h.bind(a, 7), Errno.ESRCH, "no-such-process");
        assertThat(h.driver.cds).isEmpty();
        assertThat(h.mm.pinCount(7)).isZero();
    }

    @Test
    void flagsOutsideWhatInitEnabledAreEinval() {
        Device noIopf = new Device("00:04.0", 32, 20, false, false, false, false);
        h.sva.deviceInit(noIopf, EnumSet.of(SvaFeature.PASID), 0);
        h.process(1);
        assertErrno(() -> h.sva.bind(noIopf, 1, SVA, null), Errno.EINVAL, "invalid-flags");
        assertThat(h.sva.bind(noIopf, 1, EnumSet.of(SvaFeature.PASID), null)).isEqualTo(1);
    }

    @Test
    void bindAndUnbindOnAnUninitialisedDeviceAreEinval() {
        Device none = SvaHarness.pci("00:05.0", 40);
        h.process(1);
        assertErrno(() -> h.bind(none, 1), Errno.EINVAL, "not-initialised");
        assertErrno(() -> h.sva.unbind(none, 1), Errno.EINVAL, "not-initialised");
    }

    @Test
    void unbindWithoutSuchABondIsEsrch() {
        h.process(1);
        int pasid = h.bind(a, 1);
        assertErrno(() -> h.sva.unbind(b, pasid), Errno.ESRCH, "no-such-bond");
        assertErrno(() -> h.sva.unbind(a, pasid + 1), Errno.ESRCH, "no-such-bond");
    }

    @Test
    void unbindFlushesTheDeviceFaultsBeforeItClearsTheCd() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.driver.calls.clear();
        h.sva.unbind(a, pasid);
        assertThat(h.driver.calls).containsExactly("drain 00:01.0", "detach 00:01.0:1");
        assertThat(h.events.ofType(CoreEvent.Type.UNBIND)).singleElement().extracting(CoreEvent::pasid).isEqualTo(1);
    }

    @Test
    void thePasidReturnsToTheAllocatorOnlyWhenTheIoMmIsFreed() {
        h.process(1);
        h.process(2);
        int pasid = h.bind(a, 1);
        h.bind(b, 1);
        h.sva.unbind(a, pasid);
        // b still holds the io_mm: its CD and the PASID stay, and another process cannot get the PASID.
        assertThat(h.driver.cds).containsOnlyKeys("00:02.0:" + pasid);
        assertThat(h.sva.find(pasid)).hasValue(1);
        assertThat(h.bind(a, 2)).isNotEqualTo(pasid);

        h.sva.unbind(b, pasid);
        assertThat(h.sva.find(pasid)).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
        assertThat(h.mm.subscriptionsOf(1)).isZero();
        h.process(3);
        assertThat(h.bind(a, 3)).isEqualTo(pasid);
    }

    @Test
    void findKnowsNothingOfAnUnknownPasid() {
        assertThat(h.sva.find(1)).isEmpty();
        assertThat(h.sva.find(0)).isEmpty();
        assertThat(h.sva.pasid(1)).isEmpty();
    }

    @Test
    void aFailedAttachUndoesTheIoMm() {
        h.process(1);
        h.driver.failAttach = FakeIommuDriver.timeout();
        assertErrno(() -> h.bind(a, 1), Errno.ETIMEDOUT, "cmd-sync-timeout");
        assertThat(h.sva.pasid(1)).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
        assertThat(h.mm.subscriptionsOf(1)).isZero();
        assertThat(h.gauge("sva.bonds")).isZero();
        h.driver.failAttach = null;
        assertThat(h.bind(a, 1)).isEqualTo(1);
    }

    @Test
    void aFailedAttachOnASharedIoMmKeepsTheOtherBond() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.driver.failAttach = FakeIommuDriver.timeout();
        assertErrno(() -> h.bind(b, 1), Errno.ETIMEDOUT, "cmd-sync-timeout");
        assertThat(h.sva.find(pasid)).hasValue(1);
        assertThat(h.mm.pinCount(1)).isEqualTo(1);
        assertThat(h.sva.pasid(pasid).orElseThrow().bonds()).extracting(BondView::device).containsExactly("00:01.0");
    }

    @Test
    void aProcessThatExitsBeforeItsNotifierIsRegisteredLeavesNothing() {
        h.process(1);
        // The process begins exiting between the ASID pin and the notifier registration, which mm-service refuses.
        h.mm.onPin = pid -> h.mm.setState(pid, ProcessInfo.State.EXITING);
        assertErrno(() -> h.bind(a, 1), Errno.ESRCH, "no-such-process");
        assertThat(h.sva.pasid(1)).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
    }

    @Test
    void metersCountBindsUnbindsPasidsAndBonds() {
        h.process(1);
        int pasid = h.bind(a, 1);
        h.bind(b, 1);
        assertThat(h.gauge("sva.pasids")).isEqualTo(1);
        assertThat(h.gauge("sva.bonds")).isEqualTo(2);
        h.sva.unbind(a, pasid);
        assertThat(h.counter("sva.binds")).isEqualTo(2);
        assertThat(h.counter("sva.unbinds")).isEqualTo(1);
        assertThat(h.gauge("sva.bonds")).isEqualTo(1);
    }
}
