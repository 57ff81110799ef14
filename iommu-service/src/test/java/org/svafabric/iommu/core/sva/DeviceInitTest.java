package org.svafabric.iommu.core.sva;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.svafabric.iommu.core.testing.SvaHarness.SVA;

import java.util.EnumSet;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.SvaSupport;
import org.svafabric.iommu.core.testing.SvaHarness;

/** iommu_sva_device_init and iommu_sva_device_shutdown. */
class DeviceInitTest {
    private final SvaHarness h = new SvaHarness();

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
    void withoutDriverSupportInitIsEnodev() {
        Device d = SvaHarness.pci("00:01.0", 8);
        h.driver.support("00:01.0", Optional.empty());
        assertErrno(() -> h.sva.deviceInit(d, SVA, 0), Errno.ENODEV, "feature-unsupported");
        assertThat(h.sva.device("00:01.0")).isEmpty();
        assertThat(h.driver.calls).isEmpty();
    }

    @Test
    void aDeviceWithoutPasidIsEnodev() {
        Device d = new Device("00:02.0", 16, 0, true, true, false, false);
        assertErrno(() -> h.sva.deviceInit(d, SVA, 0), Errno.ENODEV, "feature-unsupported");
    }

    @Test
    void anSmmuWithoutSubstreamsIsEnodev() {
        h.driver.defaultSupport(new SvaSupport(0, true, true));
        assertErrno(() -> h.sva.deviceInit(SvaHarness.pci("00:01.0", 8), SVA, 0), Errno.ENODEV, "feature-unsupported");
    }

    @Test
    void iopfNeedsPriOrStallOnBothSides() {
        Device noFault = new Device("00:03.0", 24, 20, false, true, false, false);
        assertErrno(() -> h.sva.deviceInit(noFault, SVA, 0), Errno.ENODEV, "feature-unsupported");
        // The device has PRI but the SMMU has no PRI queue, and the device cannot stall.
        h.driver.support("00:04.0", Optional.of(new SvaSupport(20, false, true)));
        assertErrno(() -> h.sva.deviceInit(SvaHarness.pci("00:04.0", 32), SVA, 0), Errno.ENODEV, "feature-unsupported");
        // Without IOPF the same device is fine.
        SvaDeviceView v = h.sva.deviceInit(noFault, EnumSet.of(SvaFeature.PASID), 0);
        assertThat(v.features()).containsExactly(SvaFeature.PASID);
    }

    @Test
    void theRangeStartsAtOneAndIsNarrowedBySmmuAndDevice() {
        h.driver.defaultSupport(new SvaSupport(16, true, true));
        SvaDeviceView wide = h.sva.deviceInit(SvaHarness.pci("00:01.0", 8), SVA, 0);
        assertThat(wide.minPasid()).isEqualTo(1);
        assertThat(wide.maxPasid()).isEqualTo(0xffff);
        SvaDeviceView narrow = h.sva.deviceInit(new Device("00:02.0", 16, 5, true, true, false, false), SVA, 0);
        assertThat(narrow.maxPasid()).isEqualTo(31);
    }

    @Test
    void aSmallerMaxPasidOverridesTheLimitAndALargerOneDoesNot() {
        assertThat(h.sva.deviceInit(SvaHarness.pci("00:01.0", 8), SVA, 4).maxPasid()).isEqualTo(4);
        assertThat(h.sva.deviceInit(new Device("00:02.0", 16, 5, true, true, false, false), SVA, 1000).maxPasid())
                .isEqualTo(31);
        assertErrno(() -> h.sva.deviceInit(SvaHarness.pci("00:03.0", 24), SVA, -1), Errno.EINVAL, "invalid-argument");
    }

    @Test
    void aSecondInitIsEexist() {
        Device d = h.initPci("00:01.0", 8);
        assertErrno(() -> h.sva.deviceInit(d, SVA, 0), Errno.EEXIST, "already-initialised");
        assertThat(h.driver.callsFor("enable")).containsExactly("enable 00:01.0 iopf");
    }

    @Test
    void initEnablesTheDeviceAndPutsAnIopfDeviceOnTheFaultQueue() {
        Device d = h.initPci("00:01.0", 8);
        assertThat(h.queue.hasDevice(d)).isTrue();
        Device plain = new Device("00:02.0", 16, 20, false, false, false, false);
        h.sva.deviceInit(plain, EnumSet.of(SvaFeature.PASID), 0);
        assertThat(h.queue.hasDevice(plain)).isFalse();
        assertThat(h.driver.callsFor("enable")).containsExactly("enable 00:01.0 iopf", "enable 00:02.0");
    }

    @Test
    void aPriDeviceFaultsByPriAndAStallOnlyDeviceByStall() {
        assertThat(h.sva.deviceInit(SvaHarness.pci("00:01.0", 8), SVA, 0).stall()).isFalse();
        assertThat(h.sva.deviceInit(SvaHarness.platform("dma0", 64), SVA, 0).stall()).isTrue();
        h.mm.spawn(7);
        h.sva.bind(SvaHarness.platform("dma0", 64), 7, SVA, null);
        assertThat(h.driver.cds.get("dma0:1").stall()).isTrue();
    }

    @Test
    void aFailedEnableLeavesTheDeviceUninitialised() {
        Device d = SvaHarness.pci("00:01.0", 8);
        // Fault queue refuses the device: it is already on it.
        h.queue.addDevice(d, g -> null);
        assertErrno(() -> h.sva.deviceInit(d, SVA, 0), Errno.EBUSY, "iopf-device-busy");
        assertThat(h.sva.device("00:01.0")).isEmpty();
        assertThat(h.driver.calls).containsExactly("enable 00:01.0 iopf", "reset 00:01.0");
        h.queue.removeDevice(d);
        assertThat(h.sva.deviceInit(d, SVA, 0).maxPasid()).isEqualTo((1 << 20) - 1);
    }

    @Test
    void shutdownOfAnUninitialisedDeviceIsEnodev() {
        assertErrno(() -> h.sva.deviceShutdown(SvaHarness.pci("00:01.0", 8)), Errno.ENODEV, "not-initialised");
    }

    @Test
    void shutdownUnbindsEveryBondWhateverItsCountThenResets() {
        Device d = h.initPci("00:01.0", 8);
        h.process(1);
        h.process(2);
        int p1 = h.bind(d, 1);
        h.bind(d, 1);
        int p2 = h.bind(d, 2);
        h.sva.deviceShutdown(d);

        assertThat(h.driver.cds).isEmpty();
        assertThat(h.sva.find(p1)).isEmpty();
        assertThat(h.sva.find(p2)).isEmpty();
        assertThat(h.sva.pasid(p1)).isEmpty();
        assertThat(h.mm.pinCount(1)).isZero();
        assertThat(h.mm.subscriptionsOf(2)).isZero();
        assertThat(h.queue.hasDevice(d)).isFalse();
        assertThat(h.driver.calls).endsWith("reset 00:01.0");
        assertThat(h.driver.calls.indexOf("drain 00:01.0")).isLessThan(h.driver.calls.indexOf("detach 00:01.0:" + p1));
        assertErrno(() -> h.bind(d, 1), Errno.EINVAL, "not-initialised");
        // And it can be initialised again.
        h.sva.deviceInit(d, SVA, 0);
        assertThat(h.bind(d, 1)).isEqualTo(p1);
    }
}
