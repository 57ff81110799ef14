package org.svafabric.iommu.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.L1Cd;
import org.svafabric.iommu.hw.layout.L1Std;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.layout.StrtabBase;

/** STEs and CDs as the driver writes them: bit-exact in RAM, in the order the architecture needs. */
class ContextAndStreamTableTest {

    /**
     * dw0: V [0] 1 | Config [3:1] = 0b101 0xa | S1ContextPtr 0x12345000 in place | S1CDMax [63:59] = 8.
     * dw1: S1DSS [1:0] = 0b10 | S1CIR [3:2] = 1 0x4 | S1COR [5:4] = 1 0x10 | S1CSH [7:6] = 3 0xc0 |
     * PPAR [18] 0x40000 | S1STALLD [27] 0x8000000 | EATS [29:28] = 1 0x10000000. SHCFG [45:44] stays 0: it
     * is RES0 without IDR1.ATTR_TYPES_OVR (IHI 0070 §5.2); this golden value used to carry SHCFG = 1.
     */
    @Test
    void stage1SteGoldenValue() {
        long[] ste = SteBuilder.stage1(new SteBuilder.Config(0x1234_5000L, 0, 8, true, true, false, true)).words();
        assertThat(ste[0]).isEqualTo(0x4000_0000_1234_500BL);
        assertThat(ste[1]).isEqualTo(0x0000_0000_1804_00D6L);
        assertThat(ste[2] | ste[3] | ste[4] | ste[5] | ste[6] | ste[7]).isZero();
    }

    /** STRW [31:30] = 0b10 selects EL2(-E2H); S1Fmt [5:4] = 0b10 a 2-level CD table with 64 KiB leaves. */
    @Test
    void el2SteWithTwoLevelCdTable() {
        long[] ste = SteBuilder.stage1(new SteBuilder.Config(0x8000_0000L, 2, 20, false, false, true, false)).words();
        assertThat(ste[0]).isEqualTo((20L << 59) | 0x8000_0000L | 0x20 | 0xB);
        assertThat(ste[1]).isEqualTo(0x0000_0000_8000_00D6L);
    }

    /**
     * dw0: T0SZ 16 0x10 | IRGN0 [9:8] 1 0x100 | ORGN0 [11:10] 1 0x400 | SH0 [13:12] 3 0x3000 | EPD1 [30] |
     * V [31] | IPS [34:32] = 0b101 (48 bits) | AA64 [41] | HD [42] | HA [43] | R [45] | A [46] | ASID 0x42
     * [63:48]; ASET [47] clear (a shared ASID), TBI0 [38] clear. dw1: TTB0. dw3: MAIR_EL1.
     */
    @Test
    void sharedCdGoldenValue() {
        long[] cd = CdBuilder.valid(new CdBuilder.AddressSpace(0x8_0000_1000L, 0x42, 16, 48),
                new CdBuilder.Options(true, true, false, true)).words();
        assertThat(cd[0]).isEqualTo(0x0042_6E05_C000_3510L);
        assertThat(cd[1]).isEqualTo(0x8_0000_1000L);
        assertThat(cd[2]).isZero();
        assertThat(cd[3]).isEqualTo(0x0000_0004_0044_F0FFL);
    }

    /** A private CD: ASET [47] set, no HA/HD, and S [44] for a stalling context. */
    @Test
    void privateStallingCdGoldenValue() {
        long[] cd = CdBuilder.valid(new CdBuilder.AddressSpace(0x4000L, 1, 16, 48),
                new CdBuilder.Options(false, false, true, false)).words();
        assertThat(cd[0]).isEqualTo(0x0001_F205_C000_3510L);
    }

    @Test
    void aDeviceGetsAStage1SteInItsLevel2TableWrittenLastWordFirstThenCfgi() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        assertThat(m.sid()).isEqualTo(0x100);
        long[] ste = h.driver.steOf(0x100);
        assertThat(Ste.V.isSet(ste)).isTrue();
        assertThat(Ste.CONFIG.get(ste)).isEqualTo(Ste.CONFIG_S1_TRANS);
        assertThat(Ste.S1FMT.get(ste)).isEqualTo(Ste.S1FMT_64K_L2);
        assertThat(Ste.S1CDMAX.get(ste)).isEqualTo(20);
        assertThat(Ste.S1_CONTEXT_PTR.getAddress(ste)).isEqualTo(m.cdTable.base());
        assertThat(Ste.EATS.get(ste)).isEqualTo(Ste.EATS_TRANS);
        assertThat(Ste.PPAR.isSet(ste)).isTrue();
        // A PCIe device does not stall: S1STALLD where STALL_MODEL lets software choose.
        assertThat(Ste.S1STALLD.isSet(ste)).isTrue();

        long strtab = StrtabBase.ADDR.getAddress(h.regs.read(SmmuReg.STRTAB_BASE));
        long l1 = h.ram.read64(strtab + 8L * (0x100 >>> 8));
        assertThat(L1Std.SPAN.get(l1)).as("SPAN = SPLIT + 1").isEqualTo(9);
        assertThat(L1Std.L2PTR.getAddress(l1)).isNotZero();
    }

    /**
     * Linux 4.x {@code arm_smmu_write_strtab_ent}: words 1..7, CFGI_STE + SYNC, word 0 (V), CFGI_STE + SYNC,
     * then CMD_PREFETCH_CONFIG. This test used to expect "W +8 56", "W +0 8", "CFGI_STE 16/0" (no CFGI before V,
     * no prefetch).
     */
    @Test
    void steWordsGoToRamBeforeWord0AndCfgiSteFollows() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().sidBits(8).build(), DriverSettings.defaults());
        long strtab = StrtabBase.ADDR.getAddress(h.regs.read(SmmuReg.STRTAB_BASE));
        long ste = strtab + 64L * 0x10;
        h.watch(ste, ste + 64);
        h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        assertThat(h.journal).containsExactly("W +8 56", "CFGI_STE 16/0", "W +0 8", "CFGI_STE 16/0", "PREFETCH 16/-1");
        long[] words = h.driver.steOf(0x10);
        assertThat(Ste.S1STALLD.isSet(words)).as("dma-can-stall").isFalse();
        assertThat(Ste.EATS.get(words)).isEqualTo(Ste.EATS_ABT);
    }

    @Test
    void aNewSharedCdIsWrittenFieldsFirstThenVWithCfgiAndSyncAfterEach() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        long cd = m.cdTable.cdAddress(5);
        h.watch(cd, cd + 64);
        h.driver.attach(m.device, 5, 0x8_0000_1000L, 0x42, false);
        assertThat(h.journal).containsExactly("W +8 56", "CFGI_CD 256/5", "W +0 8", "CFGI_CD 256/5");
        long[] words = h.driver.cdOf(m.id(), 5);
        assertThat(words[0]).isEqualTo(0x0042_6E05_C000_3510L);
        assertThat(words[1]).isEqualTo(0x8_0000_1000L);
        assertThat(h.endpointCalls).as("a CD write reaches no device driver").isEmpty();
    }

    @Test
    void detachClearsVThenCfgiTlbiByAsidAndAtcInvOfThePasid() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.driver.attach(m.device, 5, 0x8_0000_1000L, 0x42, false);
        long cd = m.cdTable.cdAddress(5);
        h.watch(cd, cd + 64);
        h.port.invalidations.clear();
        h.driver.detach(m.device, 5, 0x42);
        assertThat(h.journal).containsExactly("W +0 8", "CFGI_CD 256/5", "TLBI NH ASID 66");
        assertThat(h.driver.cdOf(m.id(), 5)[0]).isZero();
        assertThat(h.port.invalidations).singleElement().satisfies(inv -> {
            assertThat(inv.sid()).isEqualTo(0x100);
            assertThat(inv.ssid()).isEqualTo(5);
            assertThat(inv.log2Pages()).isEqualTo(52);
        });
    }

    @Test
    void sixteenSsidBitsNeedATwoLevelCdTableWhoseLeavesComeOnFirstUse() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 16, true, true));
        assertThat(m.cdTable.twoLevel()).isTrue();
        // 2^16 CDs in leaves of 1024: 64 level-1 descriptors, none valid yet.
        assertThat(h.ram.read64(m.cdTable.base() + 8)).isZero();
        h.driver.attach(m.device, 1025, 0x9000L, 7, false);
        long l1 = h.ram.read64(m.cdTable.base() + 8);
        assertThat(L1Cd.V.isSet(l1)).isTrue();
        long leaf = L1Cd.L2PTR.getAddress(l1);
        assertThat(Cd.ASID.get(h.ram.read64(leaf + 64))).isEqualTo(7);
    }

    @Test
    void eightSsidBitsKeepALinearCdTable() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        assertThat(m.cdTable.twoLevel()).isFalse();
        assertThat(Ste.S1FMT.get(h.driver.steOf(0x10))).isEqualTo(Ste.S1FMT_LINEAR);
        h.driver.attach(m.device, 3, 0x9000L, 7, true);
        assertThat(Cd.S.isSet(h.ram.read64(m.cdTable.base() + 3 * 64))).isTrue();
    }

    @Test
    void svaInitEnablesPasidPriAndAtsOnTheEndpointWithItsAllocation() {
        DriverHarness h = new DriverHarness();
        Master m = h.driver.addMaster(DriverHarness.pci("0000:01:00.0", 20, true, true));
        h.driver.enableSva(m.device, true);
        h.driver.resetDevice(m.device);
        assertThat(h.endpointCalls).containsExactly(
                "enable 0000:01:00.0 pasid=true pri=true ats=true prs=32",
                "disable 0000:01:00.0 pasid=true pri=true ats=true");
        Device platform = h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true)).device;
        h.driver.enableSva(platform, true);
        assertThat(h.endpointCalls).hasSize(2);
    }

    @Test
    void aStreamIdBeyondTheTableIsRefused() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().sidBits(8).build(), DriverSettings.defaults());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> h.driver.addMaster(DriverHarness.platform("far", 0x100, 0, false))))
                .hasMessageContaining("outside the stream table");
        assertThat(List.copyOf(h.driver.masters())).isEmpty();
    }
    /** Without IDR0.CD2L a 20-bit master gets a linear table of 2^10 CDs (Linux CTXDESC_LINEAR_CDMAX), not 64 MiB. */
    @Test
    void withoutCd2lALinearCdTableIsCappedAt1024Contexts() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().twoLevelCdTable(false).build(), DriverSettings.defaults());
        Master m = h.driver.addMaster(DriverHarness.pci("0000:02:00.0", 20, true, true));
        assertThat(m.cdTable.twoLevel()).isFalse();
        assertThat(m.cdTable.s1CdMax()).isEqualTo(10);
        assertThat(Ste.S1CDMAX.get(h.driver.steOf(m.sid()))).isEqualTo(10);
        assertThat(h.driver.svaSupport(m.device).orElseThrow().ssidBits()).isEqualTo(10);
    }

    /**
     * The commands an STE install leaves in the command queue, as Linux 4.x issues them (IHI 0070 §4.3.1
     * CMD_CFGI_STE, §4.7.3 CMD_SYNC, §4.2.1 CMD_PREFETCH_CONFIG opcode 0x01 with the StreamID in [63:32]).
     */
    @Test
    void ihi0070s421_steInstallIsCfgiSyncThenValidThenCfgiSyncThenPrefetchConfig() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().sidBits(8).build(), DriverSettings.defaults());
        assertThat(installCommands(h)).containsExactly(
                "0x03 sid=16", "0x46", "0x03 sid=16", "0x46", "0x01 sid=16");
    }

    /** With firmware's ARM_SMMU_OPT_SKIP_PREFETCH (hisilicon,broken-prefetch-cmd) no CMD_PREFETCH_CONFIG is sent. */
    @Test
    void skipPrefetchOptionLeavesThePrefetchOut() {
        DriverHarness h = new DriverHarness(SmmuConfig.builder().sidBits(8).build(),
                DriverSettings.defaults().withSkipPrefetch(true));
        assertThat(installCommands(h)).containsExactly("0x03 sid=16", "0x46", "0x03 sid=16", "0x46");
    }

    /** Adds smmute0 (SID 16, no ATS) and decodes the entries the driver queued for it. */
    private static List<String> installCommands(DriverHarness h) {
        long base = org.svafabric.iommu.hw.layout.QueueRegisters.BASE_ADDR.getAddress(h.regs.read(SmmuReg.CMDQ_BASE));
        int log2 = (int) org.svafabric.iommu.hw.layout.QueueRegisters.BASE_LOG2SIZE.get(h.regs.read(SmmuReg.CMDQ_BASE));
        int mask = (1 << log2) - 1;
        int from = (int) h.regs.read(SmmuReg.CMDQ_PROD) & mask;
        h.driver.addMaster(DriverHarness.platform("smmute0", 0x10, 8, true));
        int to = (int) h.regs.read(SmmuReg.CMDQ_PROD) & mask;
        List<String> out = new java.util.ArrayList<>();
        for (int i = from; i != to; i = (i + 1) & mask) {
            long w0 = h.ram.read64(base + 16L * i);
            long op = org.svafabric.iommu.hw.cmd.CommandFields.OPCODE.get(w0);
            out.add(String.format("0x%02x", op) + (op == 0x46 ? "" : " sid=" + (w0 >>> 32)));
            if (op == 0x01) {
                assertThat(h.ram.read64(base + 16L * i + 8)).as("PREFETCH_CONFIG dw1 is RES0").isZero();
            }
        }
        return out;
    }
}
