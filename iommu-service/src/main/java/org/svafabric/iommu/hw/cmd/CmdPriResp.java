package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.SSV;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

import org.svafabric.api.bits.Field;
import org.svafabric.iommu.hw.pri.PriResponseCode;

/**
 * CMD_PRI_RESP(StreamID, SubstreamID, SSV, PRGIndex, Resp): the PRG Response for one Page Request Group
 * (IHI 0070 §4.5.2; Linux {@code CMDQ_PRI_0_*}, {@code CMDQ_PRI_1_GRPID [8:0]}, {@code CMDQ_PRI_1_RESP [13:12]}).
 * Fire and forget: a CMD_SYNC guarantees nothing about its delivery.
 */
public record CmdPriResp(int sid, boolean ssv, int ssid, int prgIndex, PriResponseCode resp) implements Command {

    public static final Field PRG_INDEX = Field.bits("PRGIndex", 1, 8, 0);
    public static final Field RESP = Field.bits("Resp", 1, 13, 12);
    /** Resp 0b11 is Reserved: ILLEGAL. */
    public static final int RESP_ILLEGAL = 0b11;

    static final long[] LAYOUT = CommandFields.layout(OPCODE, SSV, SUBSTREAM_ID, STREAM_ID, PRG_INDEX, RESP);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_PRI_RESP;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        SSV.set(w, ssv);
        SUBSTREAM_ID.set(w, ssv ? ssid : 0);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        PRG_INDEX.set(w, prgIndex);
        RESP.set(w, resp.cmdResp());
        return w;
    }

    /** Decodes an entry whose Resp is not the ILLEGAL 0b11 (the decoder checks that first). */
    public static CmdPriResp decode(long[] w) {
        return new CmdPriResp((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w),
                (int) PRG_INDEX.get(w), PriResponseCode.ofCmdResp((int) RESP.get(w)));
    }
}
