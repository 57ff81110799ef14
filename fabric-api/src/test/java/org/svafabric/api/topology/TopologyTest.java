package org.svafabric.api.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.ErrnoException;

class TopologyTest {

    private static Topology yaml(String s) {
        return Topology.load(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void theDefaultFabricHasTwoSvaPcieDevicesAStallingPlatformDeviceAndAClassicalOne() {
        Topology t = Topology.loadDefault();
        assertThat(t.devices()).filteredOn(d -> d.isPci() && d.pasidBits() > 0 && d.hasPri() && d.hasAts()).hasSize(2);
        assertThat(t.devices()).filteredOn(DeviceDescription::canStall).hasSize(1);
        assertThat(t.devices()).filteredOn(d -> d.isPci() && d.pasidBits() == 0).hasSize(3);
    }

    @Test
    void aPciStreamIdIsItsRequesterId() {
        // bus 0x3a, device 0x1f, function 5 -> 0x3a << 8 | 0x1f << 3 | 5 = 0x3afd
        DeviceDescription d = new DeviceDescription("0000:3a:1f.5", "pci", null, null, null, null, null, null, null);
        assertThat(d.streamId()).isEqualTo(0x3afd);
    }

    @Test
    void invalidDescriptionsAreRefusedWithEveryReason() {
        assertThatThrownBy(() -> yaml("""
                devices:
                  - id: "0000:01:00.0"
                    type: pci
                    pri: { outstandingPageRequests: 0 }
                """)).hasMessageContaining("PRI for SVA needs the PASID capability")
                .hasMessageContaining("outstandingPageRequests must be >= 1")
                .hasMessageContaining("PRI requires ATS");
        assertThatThrownBy(() -> yaml("""
                devices:
                  - { id: a, type: platform, sid: 1 }
                  - { id: b, type: platform, sid: 1 }
                """)).hasMessageContaining("StreamID 0x1 is already used");
        assertThatThrownBy(() -> yaml("devices: [ { id: x, type: usb } ]")).hasMessageContaining("type must be pci or platform");
        assertThatThrownBy(() -> yaml("smmu: { sidBits: 8, colour: blue }")).hasMessageContaining("colour");
    }

    @Test
    void theTimingSectionOverridesCostsAndIopfWorkers() {
        Topology t = yaml("""
                timing:
                  iopfWorkers: 2
                  costs: { atsRoundTrip: 800, mmFaultSwapIn: 80000 }
                """);
        assertThat(t.timing().table().nanos(org.svafabric.api.timing.Cost.ATS_ROUND_TRIP)).isEqualTo(800);
        assertThat(t.timing().table().nanos(org.svafabric.api.timing.Cost.MM_FAULT_SWAP_IN)).isEqualTo(80000);
        assertThat(t.timing().table().nanos(org.svafabric.api.timing.Cost.ATC_HIT)).isEqualTo(2);
        assertThat(t.timing().table().iopfWorkers()).isEqualTo(2);
        assertThat(Topology.loadDefault().timing().table()).isEqualTo(org.svafabric.api.timing.TimingTable.defaults());
    }

    @Test
    void aTimingSectionWithAnUnknownCostOrANegativePriceIsRefused() {
        assertThatThrownBy(() -> yaml("timing: { costs: { walkRead: 68 } }"))
                .hasMessageContaining("timing.costs.walkRead is not a cost");
        assertThatThrownBy(() -> yaml("timing: { iopfWorkers: 0, costs: { tlbi: -5 } }"))
                .hasMessageContaining("timing.iopfWorkers must be >= 1")
                .hasMessageContaining("timing.costs.tlbi must be a number of nanoseconds >= 0");
        assertThatThrownBy(() -> yaml("timing: { speed: fast }")).hasMessageContaining("speed");
    }

    @Test
    void hotplugRefusesADuplicateStreamIdWithEinval() {
        Topology t = Topology.loadDefault();
        DeviceDescription dup = new DeviceDescription("late", "platform", 0x10, null, null, null, 4, false, null);
        assertThatThrownBy(() -> t.plus(dup)).isInstanceOf(ErrnoException.class).hasMessageContaining("already used");
        DeviceDescription ok = new DeviceDescription("late", "platform", 0x11, null, null, null, 4, false, null);
        assertThat(t.plus(ok).devices()).hasSize(t.devices().size() + 1);
    }

    @Test
    void aStallingDeviceNeedsAnSmmuThatCanStall() {
        assertThatThrownBy(() -> yaml("""
                smmu: { stallModel: terminate }
                devices: [ { id: s, type: platform, sid: 2, dmaCanStall: true } ]
                """)).hasMessageContaining("dma-can-stall");
    }

    /**
     * IORT root complex nodes with their ATS attribute (v1 series patch 30): a topology without rootComplexes has one,
     * rc0, with ATS, so existing topologies keep working; a PCIe device sits below the one it names, or the first.
     */
    @Test
    void pcieDevicesSitBelowARootComplexWithItsAtsAttribute() {
        Topology t = yaml("""
                rootComplexes:
                  - { id: rc0, ats: true }
                  - { id: rc1, ats: false }
                devices:
                  - { id: "0000:01:00.0", type: pci, ats: { atcEntries: 8 } }
                  - { id: "0000:05:00.0", type: pci, ats: { atcEntries: 8 }, rootComplex: rc1 }
                  - { id: smmute0, type: platform, sid: 16 }
                """);
        assertThat(t.rootComplexOf(t.devices().get(0))).contains(new RootComplex("rc0", true));
        assertThat(t.rootComplexOf(t.devices().get(1))).contains(new RootComplex("rc1", false));
        assertThat(t.rootComplexOf(t.devices().get(2))).isEmpty();
        assertThat(yaml("devices: []").rootComplexes()).containsExactly(RootComplex.defaults());
        assertThat(Topology.loadDefault().rootComplexOf(Topology.loadDefault().devices().get(0)).orElseThrow().ats()).isTrue();
    }

    @Test
    void aDeviceBelowAnUnknownRootComplexOrAPlatformDeviceBelowOneIsRefused() {
        assertThatThrownBy(() -> yaml("""
                devices:
                  - { id: "0000:05:00.0", type: pci, rootComplex: rc9 }
                  - { id: smmute0, type: platform, sid: 16, rootComplex: rc0 }
                rootComplexes: [ { id: rc0 }, { id: rc0 } ]
                """)).hasMessageContaining("rootComplex rc9 is not one of the topology's root complexes")
                .hasMessageContaining("a platform device is not below a root complex")
                .hasMessageContaining("root complex rc0: duplicate id");
    }

    /** A hot-plugged description travels gateway -> device-service -> iommu-service: it must serialize as its fields only. */
    @Test
    void aDescriptionSerializesAsItsOwnFieldsAndReadsBackStrictly() {
        tools.jackson.databind.json.JsonMapper strict = tools.jackson.databind.json.JsonMapper.builder()
                .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        DeviceDescription d = new DeviceDescription("0000:06:00.0", "pci", null, new DeviceDescription.PasidCap(16, null, null),
                new DeviceDescription.PriCap(8, null), new DeviceDescription.AtsCap(16, null, null), null, null, null, "rc1");
        String json = strict.writeValueAsString(d);
        assertThat(json).doesNotContain("\"pci\":");
        assertThat(strict.readValue(json, DeviceDescription.class)).isEqualTo(d);
    }
}
