package org.svafabric.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.topology.Topology;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.engine.JobTable;
import org.svafabric.device.firmware.HotplugJournal;
import org.svafabric.device.firmware.TopologyLoader;
import org.svafabric.device.testing.FakeSmmu;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class DevicesTest {
    private final FakeSmmu smmu = new FakeSmmu();

    /** A journal that outlives the registry, as the database does a restart. */
    static final class ListJournal implements HotplugJournal {
        final List<DeviceDescription> plugged = new ArrayList<>();

        @Override
        public void plugged(DeviceDescription d) {
            plugged.add(d);
        }

        @Override
        public List<DeviceDescription> all() {
            return List.copyOf(plugged);
        }
    }

    private Devices boot(Topology t, HotplugJournal journal) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        JobTable jobs = new JobTable(100);
        return new Devices(t, d -> new DeviceDriver(new Device(d, smmu, smmu.ram, meters, e -> { }, DeviceSettings.defaults(),
                System::nanoTime), jobs, e -> { }, DeviceSettings.defaults().stopTimeout()), smmu, journal, e -> { });
    }

    private static DeviceDescription platform(String id, int sid) {
        return new DeviceDescription(id, "platform", sid, null, null, null, 4, true, null);
    }

    @Test
    void aHotPluggedDeviceIsBackAfterARestart() {
        ListJournal journal = new ListJournal();
        try (Devices devices = boot(Topology.loadDefault(), journal)) {
            assertThat(devices.all()).hasSize(Topology.loadDefault().devices().size());
            devices.hotplug(platform("dma1", 0x20));
            assertThat(devices.all()).extracting(d -> d.device().id()).endsWith("dma1");
        }
        try (Devices again = boot(Topology.loadDefault(), journal)) {
            assertThat(again.get("dma1").device().sid()).isEqualTo(0x20);
            assertThat(smmu.hotplugged).hasSize(1);
        }
    }

    @Test
    void aStreamIdAlreadyTakenIsRefusedWithTheReasonAndNothingReachesTheSmmu() {
        try (Devices devices = boot(Topology.loadDefault(), new ListJournal())) {
            assertThatThrownBy(() -> devices.hotplug(platform("dma2", 16)))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                        assertThat(e.getMessage()).contains("StreamID 0x10 is already used");
                    });
            assertThat(smmu.hotplugged).isEmpty();
        }
    }

    @Test
    void whenIommuServiceIsDownTheDeviceIsNotAdded() {
        ListJournal journal = new ListJournal();
        try (Devices devices = boot(Topology.loadDefault(), journal)) {
            smmu.down(true);
            assertThatThrownBy(() -> devices.hotplug(platform("dma3", 0x30)))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
            assertThatThrownBy(() -> devices.get("dma3"))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
            assertThat(journal.plugged).isEmpty();
            smmu.down(false);
            assertThat(devices.hotplug(platform("dma3", 0x30)).device().id()).isEqualTo("dma3");
        }
    }

    @Test
    void aTopologyFileOverridesTheDefault(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.yml");
        Files.writeString(f, "smmu: { name: s }\ndevices:\n  - { id: \"te\", type: platform, sid: 5, pasidNumBits: 2, dmaCanStall: true }\n");
        try (Devices devices = boot(TopologyLoader.load(f.toString()), new ListJournal())) {
            assertThat(devices.all()).extracting(d -> d.device().id()).containsExactly("te");
            assertThat(devices.get("te").device().canStall()).isTrue();
        }
    }
}
