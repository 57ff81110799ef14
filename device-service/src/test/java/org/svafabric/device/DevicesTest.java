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
import org.svafabric.api.topology.DeviceShards;
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
        return boot(t, DeviceShard.ALL, journal);
    }

    private Devices boot(Topology t, DeviceShard shard, HotplugJournal journal) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        JobTable jobs = new JobTable(100, shard.jobPrefix());
        return new Devices(t, shard, d -> new DeviceDriver(new Device(d, smmu, smmu.ram, meters, e -> { }, DeviceSettings.defaults(),
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

    @Test
    void eachShardServesTheDevicesDeviceShardsGivesItAndTogetherTheyServeAll() {
        Topology t = Topology.loadDefault();
        List<String> served = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            DeviceShard shard = new DeviceShard(k, 2);
            try (Devices devices = boot(t, shard, new ListJournal())) {
                for (DeviceDriver d : devices.all()) {
                    assertThat(DeviceShards.ownerOf(d.device().description(), 2)).isEqualTo(k);
                    served.add(d.device().id());
                }
            }
        }
        assertThat(served).containsExactlyInAnyOrderElementsOf(t.devices().stream().map(DeviceDescription::id).toList());
    }

    @Test
    void aHotplugOfADeviceAnotherShardServesIsRefusedNamingThatShard() {
        ListJournal journal = new ListJournal();
        try (Devices devices = boot(Topology.loadDefault(), new DeviceShard(0, 2), journal)) {
            DeviceDescription other = new DeviceDescription("dma9", "platform", 0x29, null, null, null, 4, true, null, null, null, 1);
            assertThatThrownBy(() -> devices.hotplug(other)).isInstanceOfSatisfying(ErrnoException.class, e -> {
                assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                assertThat(e.status().value()).isEqualTo(400);
                assertThat(e.getMessage()).contains("device-service shard 1 of 2").contains("device-service-1");
            });
            assertThat(smmu.hotplugged).isEmpty();
            assertThat(journal.plugged).isEmpty();
            DeviceDescription mine = new DeviceDescription("dma8", "platform", 0x28, null, null, null, 4, true, null, null, null, 0);
            assertThat(devices.hotplug(mine).device().id()).isEqualTo("dma8");
        }
        // A journal entry another shard serves (the shard count changed) is left out.
        try (Devices shard1 = boot(Topology.loadDefault(), new DeviceShard(1, 2), journal)) {
            assertThat(shard1.all()).extracting(d -> d.device().id()).doesNotContain("dma8");
        }
    }

    @Test
    void aShardsJobIdsNameIt() {
        assertThat(new JobTable(10, new DeviceShard(1, 3).jobPrefix()).nextId()).isEqualTo("j1-1");
        assertThat(new JobTable(10, DeviceShard.ALL.jobPrefix()).nextId()).isEqualTo("j-1");
        JobTable t = new JobTable(10, "j2-");
        assertThatThrownBy(() -> t.get("j-1")).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
