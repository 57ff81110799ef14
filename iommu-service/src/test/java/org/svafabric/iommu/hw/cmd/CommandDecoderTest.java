package org.svafabric.iommu.hw.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.stall.ResumeAction;

/** What makes a command CERROR_ILL (IHI 0070 §4.1.3, §4.1.5, §7.1 and the individual commands). */
class CommandDecoderTest {
    private final CommandDecoder all = new CommandDecoder(CommandFeatures.all());

    private static void assertIllegal(CommandDecoder decoder, long dw0, long dw1, String reasonPart) {
        Decoded d = decoder.decode(new long[] {dw0, dw1});
        assertThat(d).isInstanceOf(Decoded.Illegal.class);
        assertThat(((Decoded.Illegal) d).reason()).contains(reasonPart);
    }

    @Test
    void reservedOpcodesAreIllegal() {
        assertIllegal(all, 0x00, 0, "Reserved opcode 0x00");
        assertIllegal(all, 0x08, 0, "Reserved opcode 0x08");
        assertIllegal(all, 0x42, 0, "Reserved opcode 0x42");
        assertIllegal(all, 0x80, 0, "Reserved opcode 0x80");
        assertIllegal(all, 0xff, 0, "Reserved opcode 0xff");
    }

    @Test
    void ssecOnTheNonSecureQueueIsIllegal() {
        assertIllegal(all, 0x00000001_00000403L, 0, "SSec = 1");
    }

    @Test
    void aReservedBitSetIsAMalformedCommand() {
        // CMD_CFGI_STE defines only Leaf in the second doubleword; bit 1 is RES0.
        assertIllegal(all, 0x00000001_00000003L, 0x2, "Reserved bits");
        // CMD_SYNC: bit 8 of the first doubleword is RES0.
        assertIllegal(all, 0x146, 0, "Reserved bits");
    }

    /**
     * IHI 0070 §4.2.1 CMD_PREFETCH_CONFIG: opcode 0x01, SSV [11], SubstreamID [31:12], StreamID [63:32]; the second
     * doubleword is RES0. The driver sends it after every STE install (Linux 4.x arm_smmu_write_strtab_ent).
     */
    @Test
    void ihi0070s421_prefetchConfigIsAcceptedWithItsLayoutAndRes0SecondDoubleword() {
        Decoded ok = all.decode(new long[] {0x00000010_00000001L, 0});
        assertThat(ok).isInstanceOf(Decoded.Valid.class);
        assertThat(((Decoded.Valid) ok).command()).isEqualTo(new CmdPrefetchConfig(0x10, false, 0));
        Decoded withSsid = all.decode(new long[] {0x00000010_00005801L, 0});
        assertThat(((Decoded.Valid) withSsid).command()).isEqualTo(new CmdPrefetchConfig(0x10, true, 5));
        assertIllegal(all, 0x00000010_00000001L, 0x1000, "Reserved bits");
    }

    @Test
    void syncWithReservedCompletionSignalIsIllegal() {
        assertIllegal(all, 0x3046, 0, "CS = 0b11");
    }

    @Test
    void priRespWithReservedResponseIsIllegal() {
        assertIllegal(all, 0x00000001_00000041L, 0x3000, "Resp = 0b11");
    }

    @Test
    void atcInvLargerThanEverythingIsIllegal() {
        assertIllegal(all, 0x00000001_00000040L, 53, "Size = 53");
        assertThat(all.decode(new long[] {0x00000001_00000040L, 52})).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void tlbiRangeFieldsWithoutRilAreIllegal() {
        CommandDecoder noRil = new CommandDecoder(CommandFeatures.all().withRil(false));
        long[] range = CmdTlbi.nhVaRange(5, 0x4000_0000L, false, 1, 0, 3, 2).encode();
        assertIllegal(noRil, range[0], range[1], "without IDR3.RIL");
        assertThat(all.decode(range)).isInstanceOf(Decoded.Valid.class);
        assertThat(noRil.decode(CmdTlbi.nhVa(5, 0x4000_0000L, true).encode())).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void tlbiWith16kGranuleAndLevel1HintIsIllegalWithoutDs() {
        long[] w = CmdTlbi.nhVaRange(5, 0x4000_0000L, false, 0b10, 0b01, 0, 0).encode();
        assertIllegal(all, w[0], w[1], "TG = 16 KiB and TTL = 1");
    }

    /** IHI 0070 §4.4.1.1: with TG != 0, NUM = 0, SCALE = 0 and TTL = 0 is Reserved (CERROR_ILL). */
    @Test
    void ihi0070s4411_rangeOfOneGranuleWithoutLevelHintIsReserved() {
        long[] w = CmdTlbi.nhVaRange(5, 0x4000_0000L, false, 1, 0, 0, 0).encode();
        assertIllegal(all, w[0], w[1], "NUM = 0, SCALE = 0 and TTL = 0");
        assertThat(all.decode(CmdTlbi.nhVaRange(5, 0x4000_0000L, true, 1, 3, 0, 0).encode()))
                .as("the same range with a level hint").isInstanceOf(Decoded.Valid.class);
        assertThat(all.decode(CmdTlbi.nhVaRange(5, 0x4000_0000L, false, 1, 0, 1, 0).encode()))
                .as("two granules").isInstanceOf(Decoded.Valid.class);
    }

    /** IHI 0070 §4.4: each TLBI form defines its own fields; an ASID or address where the form has none is RES0. */
    @Test
    void ihi0070s44_eachTlbiFormChecksItsOwnReservedFields() {
        long[] asidWithAddress = CmdTlbi.nhAsid(5).encode();
        asidWithAddress[1] = CmdTlbi.ADDR.withAddress(asidWithAddress[1], 0x4000_0000L);
        assertIllegal(all, asidWithAddress[0], asidWithAddress[1], "Reserved bits");
        long[] el2AllWithAsid = new CmdTlbi(Opcode.CMD_TLBI_EL2_ALL, 0, 7, 0, false, 0, 0, 0, 0).encode();
        assertIllegal(all, el2AllWithAsid[0], el2AllWithAsid[1], "Reserved bits");
        long[] vaaWithAsid = new CmdTlbi(Opcode.CMD_TLBI_NH_VAA, 0, 7, 0x4000_0000L, true, 0, 0, 0, 0).encode();
        assertIllegal(all, vaaWithAsid[0], vaaWithAsid[1], "Reserved bits");
        long[] el2VaWithVmid = new CmdTlbi(Opcode.CMD_TLBI_EL2_VA, 3, 7, 0x4000_0000L, true, 0, 0, 0, 0).encode();
        assertIllegal(all, el2VaWithVmid[0], el2VaWithVmid[1], "Reserved bits");
        assertThat(all.decode(CmdTlbi.nhAll().encode())).isInstanceOf(Decoded.Valid.class);
        assertThat(all.decode(CmdTlbi.nhVa(5, 0x4000_0000L, true).encode())).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void commandsForMissingFeaturesAreIllegal() {
        CommandFeatures none = new CommandFeatures(false, false, false, false, false, false, false);
        CommandDecoder bare = new CommandDecoder(none);
        assertIllegal(bare, new CmdAtcInv(1, false, 0, false, 0, 0).encode()[0], 0, "ATS");
        assertIllegal(bare, new CmdPriResp(1, false, 0, 0, PrgResponseCode.SUCCESS).encode()[0], 0x2000, "PRI");
        assertIllegal(bare, new CmdResume(1, 0, ResumeAction.RETRY).encode()[0], 0, "stall model");
        assertIllegal(bare, new CmdStallTerm(1).encode()[0], 0, "stall model");
        assertIllegal(bare, 0x20, 0, "EL2");
    }

    @Test
    void commandsForStateTheModelNeverHasAreIllegal() {
        assertIllegal(all, 0x28, 0, "stage 2");
        assertIllegal(all, 0x2a, 0, "stage 2");
        assertIllegal(all, 0x18, 0, "Secure");
        assertIllegal(all, 0x60, 0, "Secure");
        assertIllegal(all, 0x07, 0, "VMS");
        assertIllegal(all, 0x70, 0, "DPT");
    }
}
