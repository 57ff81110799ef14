package org.svafabric.api.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Topologies with several SMMUs (IORT: several SMMUv3 nodes, a root complex's ID mapping to one) and their shards. */
class SeveralSmmusTest {

    private static Topology yaml(String s) {
        return Topology.load(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), "test");
    }

    @Test
    void theBundledTwoSmmuTopologyPutsEachRootComplexBehindItsOwnSmmu() {
        Topology t = Topology.loadResource("fabric-topology-2smmu.yml");
        assertThat(t.smmuNames()).containsExactly("smmu0", "smmu1");
        assertThat(t.smmu()).isSameAs(t.smmus().get(0));
        assertThat(t.devices()).extracting(t::smmuNameOf)
                .containsExactly("smmu0", "smmu1", "smmu0", "smmu1", "smmu0", "smmu1");
        // an SVA device and a classical one behind each SMMU, spread over two shards
        assertThat(t.devices()).filteredOn(d -> d.hasPri() && t.smmuNameOf(d).equals("smmu1")).hasSize(1);
        assertThat(t.devices()).extracting(d -> DeviceShards.ownerOf(d, 2)).containsExactly(0, 1, 0, 1, 1, 0);
    }

    @Test
    void aDeviceIsBehindTheSmmuItNamesElseItsRootComplexesElseTheFirst() {
        Topology t = yaml("""
                smmus: [ { name: a }, { name: b } ]
                rootComplexes: [ { id: rc0 }, { id: rc1, smmu: b } ]
                devices:
                  - { id: "0000:01:00.0", type: pci }
                  - { id: "0000:02:00.0", type: pci, rootComplex: rc1 }
                  - { id: p, type: platform, sid: 3, smmu: b }
                  - { id: q, type: platform, sid: 3 }
                """);
        assertThat(t.devices()).extracting(t::smmuNameOf).containsExactly("a", "b", "b", "a");
    }

    @Test
    void streamIdsArePerSmmu() {
        assertThat(yaml("""
                smmus: [ { name: a }, { name: b } ]
                devices: [ { id: p, type: platform, sid: 16, smmu: a }, { id: q, type: platform, sid: 16, smmu: b } ]
                """).devices()).hasSize(2);
        assertThatThrownBy(() -> yaml("""
                smmus: [ { name: a }, { name: b } ]
                devices: [ { id: p, type: platform, sid: 16, smmu: b }, { id: q, type: platform, sid: 16, smmu: b } ]
                """)).hasMessageContaining("device q: StreamID 0x10 is already used behind b");
    }

    @Test
    void badSmmuListsAreRefusedWithEveryReason() {
        assertThatThrownBy(() -> yaml("""
                smmus: [ { name: a }, { name: a, ssidBits: 30 } ]
                rootComplexes: [ { id: rc0, smmu: z } ]
                devices: [ { id: p, type: platform, sid: 1, smmu: y } ]
                """)).hasMessageContaining("smmu a: duplicate name")
                .hasMessageContaining("smmu a: smmu.ssidBits must be 0..20")
                .hasMessageContaining("root complex rc0: smmu z is not one of the topology's SMMUs")
                .hasMessageContaining("device p: smmu y is not one of the topology's SMMUs");
        assertThatThrownBy(() -> yaml("smmu: { name: a }\nsmmus: [ { name: b } ]"))
                .hasMessageContaining("give smmu: (one SMMU) or smmus: (several), not both");
        assertThatThrownBy(() -> yaml("smmus: [ { name: Big_One } ]")).hasMessageContaining("lowercase");
    }

    @Test
    void aDeviceIsCheckedAgainstTheSmmuItSitsBehind() {
        assertThatThrownBy(() -> yaml("""
                smmus: [ { name: a }, { name: b, stallModel: terminate } ]
                devices: [ { id: p, type: platform, sid: 1, dmaCanStall: true, smmu: b } ]
                """)).hasMessageContaining("dma-can-stall on an SMMU whose STALL_MODEL is terminate");
    }

    @Test
    void shardsFollowTheDescriptionAndKeepTheFunctionsOfOneDeviceTogether() {
        DeviceDescription named = new DeviceDescription("0000:05:00.0", "pci", null, null, null, null, null, null, null,
                null, null, 4);
        assertThat(DeviceShards.ownerOf(named, 3)).isEqualTo(1);
        assertThat(DeviceShards.ownerOf(named, 1)).isZero();
        for (int n = 1; n <= 5; n++) {
            int shards = n;
            int f0 = DeviceShards.ownerOfId("0000:04:00.0", shards);
            assertThat(IntStream.rangeClosed(1, 7).map(fn -> DeviceShards.ownerOfId("0000:04:00." + fn, shards)))
                    .containsOnly(f0);
            assertThat(f0).isBetween(0, shards - 1);
        }
        assertThat(DeviceShards.ownerOfId("smmute0", 1)).isZero();
        assertThatThrownBy(() -> DeviceShards.ownerOfId("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
