package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;

/** CMD_STALL_TERM(StreamID): marks every stalled transaction of the stream for termination (IHI 0070 §4.7.2). */
public record CmdStallTerm(int sid) implements Command {

    static final long[] LAYOUT = CommandFields.layout(OPCODE, STREAM_ID);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_STALL_TERM;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        return w;
    }

    public static CmdStallTerm decode(long[] w) {
        return new CmdStallTerm((int) STREAM_ID.get(w));
    }
}
