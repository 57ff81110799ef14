package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;

/** CMD_CFGI_CD_ALL(StreamID): invalidates every cached CD of one stream (IHI 0070 §4.3). */
public record CmdCfgiCdAll(int sid) implements Command {

    static final long[] LAYOUT = CommandFields.layout(OPCODE, STREAM_ID);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_CFGI_CD_ALL;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        return w;
    }

    public static CmdCfgiCdAll decode(long[] w) {
        return new CmdCfgiCdAll((int) STREAM_ID.get(w));
    }
}
