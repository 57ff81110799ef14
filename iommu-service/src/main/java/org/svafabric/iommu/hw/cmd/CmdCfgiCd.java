package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

/**
 * CMD_CFGI_CD(StreamID, SubstreamID, Leaf): invalidates the cached CD of one substream; with Leaf = 0 also
 * the L1 CD descriptor and the STE on the way (IHI 0070 §4.3; Linux shares {@code CMDQ_CFGI_*}).
 */
public record CmdCfgiCd(int sid, int ssid, boolean leaf) implements Command {

    static final long[] LAYOUT = CommandFields.layout(OPCODE, SUBSTREAM_ID, STREAM_ID, CmdCfgiSte.LEAF);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_CFGI_CD;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        SUBSTREAM_ID.set(w, ssid);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        CmdCfgiSte.LEAF.set(w, leaf);
        return w;
    }

    public static CmdCfgiCd decode(long[] w) {
        return new CmdCfgiCd((int) STREAM_ID.get(w), (int) SUBSTREAM_ID.get(w), CmdCfgiSte.LEAF.isSet(w));
    }
}
