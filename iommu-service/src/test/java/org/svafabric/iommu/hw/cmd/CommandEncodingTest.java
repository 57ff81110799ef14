package org.svafabric.iommu.hw.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.stall.ResumeAction;

/**
 * Golden values worked out by hand from the architecture's field positions (Linux {@code arm-smmu-v3.h}
 * CMDQ_* masks, IHI 0070 chapter 4), each checked both ways: the record encodes to the doublewords and the
 * decoder turns the doublewords back into the record.
 */
class CommandEncodingTest {
    private final CommandDecoder decoder = new CommandDecoder(CommandFeatures.all());

    private void golden(Command command, long dw0, long dw1) {
        assertThat(command.encode()).as("encode %s", command).containsExactly(dw0, dw1);
        assertThat(decoder.decode(new long[] {dw0, dw1})).as("decode").isEqualTo(new Decoded.Valid(command));
    }

    @Test
    void prefetchConfigPutsSidHighSsidAt12AndSsvAt11() {
        // OP 0x01 | SSV 1<<11 = 0x800 | SSID 0xabcde<<12 = 0xabcde000 | SID 0x12345<<32
        golden(new CmdPrefetchConfig(0x12345, true, 0xabcde), 0x00012345_abcde801L, 0);
    }

    @Test
    void prefetchAddrPutsSizeLowAndVaInPlaceInTheSecondDoubleword() {
        golden(new CmdPrefetchAddr(7, false, 0, 0x7f12_3456_7000L, 5), 0x00000007_00000002L, 0x00007f12_34567005L);
    }

    @Test
    void cfgiSteCarriesLeafInBitZeroOfTheSecondDoubleword() {
        golden(new CmdCfgiSte(0x12345, true), 0x00012345_00000003L, 0x1);
        golden(new CmdCfgiSte(0x12345, false), 0x00012345_00000003L, 0x0);
    }

    @Test
    void cfgiAllIsSteRangeWithRange31() {
        golden(CmdCfgiSteRange.all(), 0x04, 0x1f);
        golden(new CmdCfgiSteRange(0x100, 7), 0x00000100_00000004L, 0x7);
    }

    @Test
    void cfgiCdAndCdAll() {
        // OP 0x05 | SSID 1<<12 = 0x1000 | SID 0x42<<32
        golden(new CmdCfgiCd(0x42, 1, true), 0x00000042_00001005L, 0x1);
        golden(new CmdCfgiCdAll(0xffffffff), 0xffffffff_00000006L, 0);
    }

    @Test
    void tlbiNonRangeForms() {
        // ASID 0xbeef << 48
        golden(CmdTlbi.nhAsid(0xbeef), 0xbeef0000_00000011L, 0);
        // ASID 0x1234 << 48; VA in place, Leaf bit 0
        golden(CmdTlbi.nhVa(0x1234, 0xffff_8000_1000L, true), 0x12340000_00000012L, 0x0000ffff_80001001L);
        // VMID 0x0102 << 32
        golden(new CmdTlbi(Opcode.CMD_TLBI_NH_ALL, 0x0102, 0, 0, false, 0, 0, 0, 0), 0x00000102_00000010L, 0);
        golden(new CmdTlbi(Opcode.CMD_TLBI_EL2_ASID, 0, 7, 0, false, 0, 0, 0, 0), 0x00070000_00000021L, 0);
        golden(CmdTlbi.nsnhAll(), 0x30, 0);
    }

    @Test
    void tlbiRangeFormPutsNumAt12ScaleAt20TtlAt72AndTgAt74() {
        // dw0: ASID 5<<48 | SCALE 2<<20 = 0x200000 | NUM 3<<12 = 0x3000 | OP 0x12
        // dw1: VA 0x40000000 | TG 1<<10 = 0x400 | TTL 3<<8 = 0x300
        golden(CmdTlbi.nhVaRange(5, 0x4000_0000L, false, 1, 3, 3, 2), 0x00050000_00203012L, 0x00000000_40000700L);
    }

    @Test
    void atcInvPutsGlobalAt9AndSizeLowInTheSecondDoubleword() {
        // dw0: SID 0x100<<32 | SSID 0x2a<<12 = 0x2a000 | SSV 0x800 | G 0x200 | OP 0x40 = 0x2aa40
        golden(new CmdAtcInv(0x100, true, 0x2a, true, 0x7f00_0020_0000L, 9), 0x00000100_0002aa40L, 0x00007f00_00200009L);
    }

    @Test
    void priRespPutsGroupLowAndRespAt12OfTheSecondDoubleword() {
        // dw0: SID 0x200<<32 | SSID 5<<12 | SSV 0x800 | OP 0x41; dw1: Resp 0b10<<12 = 0x2000 | PRGIndex 0x1ff
        golden(new CmdPriResp(0x200, true, 5, 0x1ff, PrgResponseCode.SUCCESS), 0x00000200_00005841L, 0x21ff);
        golden(new CmdPriResp(0x200, false, 0, 0x003, PrgResponseCode.INVALID), 0x00000200_00000041L, 0x1003);
        golden(new CmdPriResp(0x200, false, 0, 0x003, PrgResponseCode.FAILURE), 0x00000200_00000041L, 0x0003);
    }

    @Test
    void resumeActionIsAcAt12AndAbAt13() {
        golden(new CmdResume(0x33, 0xbeef, ResumeAction.RETRY), 0x00000033_00001044L, 0xbeef);
        golden(new CmdResume(0x33, 0xbeef, ResumeAction.ABORT), 0x00000033_00002044L, 0xbeef);
        golden(new CmdResume(0x33, 0xbeef, ResumeAction.TERMINATE), 0x00000033_00000044L, 0xbeef);
    }

    @Test
    void resumeWithBothAcAndAbRetriesBecauseAbIsIgnored() {
        assertThat(decoder.decode(new long[] {0x00000033_00003044L, 1}))
                .isEqualTo(new Decoded.Valid(new CmdResume(0x33, 1, ResumeAction.RETRY)));
    }

    @Test
    void stallTerm() {
        golden(new CmdStallTerm(0x33), 0x00000033_00000045L, 0);
    }

    @Test
    void syncPutsCsAt12MshAt22MsiAttrAt24MsiDataHighAndMsiAddressInPlace() {
        // MSIData 0xdeadbeef<<32 | MSIAttr 0xf<<24 | MSH 3<<22 = 0xc00000 | CS 1<<12 | OP 0x46 = 0x0fc01046
        golden(new CmdSync(CmdSync.ComplSignal.SIG_IRQ, 3, 0xf, 0xdeadbeef, 0x8_1234_5678L),
                0xdeadbeef_0fc01046L, 0x00000008_12345678L);
        golden(CmdSync.polled(), 0x46, 0);
        golden(new CmdSync(CmdSync.ComplSignal.SIG_SEV, 0, 0, 0, 0), 0x2046, 0);
    }

    @Test
    void atcInvAlignsTheAddressToItsSpan() {
        // Size 4: 16 pages = 64 KiB, so Address[15:0] are taken as zero.
        assertThat(new CmdAtcInv(1, false, 0, false, 0x12_3456_7000L, 4).alignedAddr()).isEqualTo(0x12_3456_0000L);
        assertThat(new CmdAtcInv(1, false, 0, false, 0x12_3456_7000L, 52).alignedAddr()).isZero();
    }
}
