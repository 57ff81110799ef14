package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;

import org.svafabric.api.bits.Field;

/**
 * CMD_CFGI_STE_RANGE(StreamID, Range): invalidates the STEs of the 2^(Range+1) streams of the aligned block
 * containing StreamID; Range = 31 is CMD_CFGI_ALL (IHI 0070 §4.3; Linux {@code CMDQ_CFGI_1_RANGE}).
 */
public record CmdCfgiSteRange(int sid, int range) implements Command {

    public static final Field RANGE = Field.bits("Range", 1, 4, 0);
    public static final int ALL = 31;

    static final long[] LAYOUT = CommandFields.layout(OPCODE, STREAM_ID, RANGE);

    /** CMD_CFGI_ALL. */
    public static CmdCfgiSteRange all() {
        return new CmdCfgiSteRange(0, ALL);
    }

    @Override
    public Opcode opcode() {
        return Opcode.CMD_CFGI_STE_RANGE;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        RANGE.set(w, range);
        return w;
    }

    public static CmdCfgiSteRange decode(long[] w) {
        return new CmdCfgiSteRange((int) STREAM_ID.get(w), (int) RANGE.get(w));
    }
}
