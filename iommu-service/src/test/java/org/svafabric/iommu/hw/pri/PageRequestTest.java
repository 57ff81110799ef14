package org.svafabric.iommu.hw.pri;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.cmd.CmdPriResp;

/** Golden PRI-queue entries from Linux's PRIQ_0_* / PRIQ_1_* positions, and the two response encodings. */
class PageRequestTest {

    @Test
    void everyFieldAtItsPosition() {
        PageRequest r = new PageRequest(0x100, true, 0x12345, 0x1a5, true, true, true, false, true, 0x7f00_dead_0000L);
        // dw0: SSV 63 | Last 62 | W 61 | R 60 = 0xf000.. | Priv 58 = 0x0400.. | SSID 0x12345<<32 | SID 0x100
        // dw1: page address in place | PRGIndex 0x1a5
        long[] golden = {0xf4012345_00000100L, 0x00007f00_dead01a5L};
        assertThat(r.encode()).containsExactly(golden);
        assertThat(PageRequest.decode(golden)).isEqualTo(r);
    }

    @Test
    void execWithoutPasidAndSingleBits() {
        PageRequest r = new PageRequest(0xffffffff, false, 0, 0, false, false, false, true, false, 0x1000);
        // X is bit 59 = 0x0800..; SID fills [31:0]
        long[] golden = {0x08000000_ffffffffL, 0x1000};
        assertThat(r.encode()).containsExactly(golden);
        assertThat(PageRequest.decode(golden)).isEqualTo(r);
    }

    @Test
    void stopMarkerIsLastWithoutReadOrWriteAndWithAPasid() {
        assertThat(new PageRequest(1, true, 9, 0, true, false, false, false, false, 0).isStopMarker()).isTrue();
        assertThat(new PageRequest(1, false, 0, 0, true, false, false, false, false, 0).isStopMarker()).isFalse();
        assertThat(new PageRequest(1, true, 9, 0, true, true, false, false, false, 0).isStopMarker()).isFalse();
    }

    @Test
    void responseCodesInTheCommandAndOnTheLink() {
        assertThat(CmdPriResp.respField(PrgResponseCode.SUCCESS)).isEqualTo(0b10);
        assertThat(CmdPriResp.respField(PrgResponseCode.INVALID)).isEqualTo(0b01);
        assertThat(CmdPriResp.respField(PrgResponseCode.FAILURE)).isEqualTo(0b00);
        assertThat(PrgResponseCode.SUCCESS.pcieCode()).isEqualTo(0b0000);
        assertThat(PrgResponseCode.INVALID.pcieCode()).isEqualTo(0b0001);
        assertThat(PrgResponseCode.FAILURE.pcieCode()).isEqualTo(0b1111);
        assertThat(CmdPriResp.ofRespField(0b10)).isEqualTo(PrgResponseCode.SUCCESS);
    }
}
