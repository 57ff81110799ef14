package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.SSV;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

/** CMD_PREFETCH_CONFIG(StreamID, SubstreamID, SSV): a hint to load the STE and CD (IHI 0070 §4.2.1). */
public record CmdPrefetchConfig(int sid, boolean ssv, int ssid) implements Command {

    static final long[] LAYOUT = CommandFields.layout(OPCODE, SSV, SUBSTREAM_ID, STREAM_ID);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_PREFETCH_CONFIG;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        SSV.set(w, ssv);
        SUBSTREAM_ID.set(w, ssv ? ssid : 0);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        return w;
    }

    public static CmdPrefetchConfig decode(long[] w) {
        return new CmdPrefetchConfig((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w));
    }
}
