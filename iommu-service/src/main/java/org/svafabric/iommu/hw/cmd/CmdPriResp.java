package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.SSV;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

import org.svafabric.api.bits.Field;
import org.svafabric.api.wire.PrgResponseCode;

/**
 * CMD_PRI_RESP(StreamID, SubstreamID, SSV, PRGIndex, Resp): the PRG Response for one Page Request Group
 * (IHI 0070 §4.5.2; Linux {@code CMDQ_PRI_0_*}, {@code CMDQ_PRI_1_GRPID [8:0]}, {@code CMDQ_PRI_1_RESP [13:12]}).
 * Fire and forget: a CMD_SYNC guarantees nothing about its delivery.
 */
public record CmdPriResp(int sid, boolean ssv, int ssid, int prgIndex, PrgResponseCode resp) implements Command {

    public static final Field PRG_INDEX = Field.bits("PRGIndex", 1, 8, 0);
    public static final Field RESP = Field.bits("Resp", 1, 13, 12);
    /** Resp 0b11 is Reserved: ILLEGAL. */
    public static final int RESP_ILLEGAL = 0b11;

    /**
     * The Resp field's encoding (IHI 0070 §4.5.2): 0b00 ResponseFailure, 0b01 InvalidRequest, 0b10 Success.
     * Linux names them {@code PRI_RESP_DENY = 0, PRI_RESP_FAIL = 1, PRI_RESP_SUCC = 2}; by the architecture's
     * table its DENY is ResponseFailure (the endpoint stops using PRI) and its FAIL is InvalidRequest.
     */
    public static int respField(PrgResponseCode code) {
        return switch (code) {
            case SUCCESS -> 0b10;
            case INVALID -> 0b01;
            case FAILURE -> 0b00;
        };
    }

    /** The code of a Resp field value; 0b11 is ILLEGAL and has none. */
    public static PrgResponseCode ofRespField(int resp) {
        return switch (resp) {
            case 0b10 -> PrgResponseCode.SUCCESS;
            case 0b01 -> PrgResponseCode.INVALID;
            case 0b00 -> PrgResponseCode.FAILURE;
            default -> throw new IllegalArgumentException("CMD_PRI_RESP Resp 0b" + Integer.toBinaryString(resp) + " is ILLEGAL");
        };
    }

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
        RESP.set(w, respField(resp));
        return w;
    }

    /** Decodes an entry whose Resp is not the ILLEGAL 0b11 (the decoder checks that first). */
    public static CmdPriResp decode(long[] w) {
        return new CmdPriResp((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w),
                (int) PRG_INDEX.get(w), ofRespField((int) RESP.get(w)));
    }
}
