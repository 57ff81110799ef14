package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;

import org.svafabric.api.bits.Field;

/**
 * CMD_CFGI_STE(StreamID, Leaf): invalidates the cached STE of one stream; with Leaf = 0 also any cached
 * level-1 descriptor on the way to it (IHI 0070 §4.3; Linux {@code CMDQ_CFGI_1_LEAF}).
 */
public record CmdCfgiSte(int sid, boolean leaf) implements Command {

    public static final Field LEAF = Field.bit("Leaf", 1, 0);

    static final long[] LAYOUT = CommandFields.layout(OPCODE, STREAM_ID, LEAF);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_CFGI_STE;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        LEAF.set(w, leaf);
        return w;
    }

    public static CmdCfgiSte decode(long[] w) {
        return new CmdCfgiSte((int) STREAM_ID.get(w), LEAF.isSet(w));
    }
}
