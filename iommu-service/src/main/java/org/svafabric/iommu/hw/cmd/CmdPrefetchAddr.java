package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.SSV;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

import org.svafabric.api.bits.Field;

/**
 * CMD_PREFETCH_ADDR(StreamID, SubstreamID, SSV, Addr, Size): a hint to prefetch configuration and 2^Size
 * translations from Addr (IHI 0070 §4.2.2; Linux {@code CMDQ_PREFETCH_1_SIZE}, {@code _ADDR_MASK}). Stride and
 * NS are those of SMMUv3.0 here: RES0.
 */
public record CmdPrefetchAddr(int sid, boolean ssv, int ssid, long addr, int size) implements Command {

    public static final Field SIZE = Field.bits("Size", 1, 4, 0);
    public static final Field ADDR = Field.bits("Addr", 1, 63, 12);

    static final long[] LAYOUT = CommandFields.layout(OPCODE, SSV, SUBSTREAM_ID, STREAM_ID, SIZE, ADDR);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_PREFETCH_ADDR;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        SSV.set(w, ssv);
        SUBSTREAM_ID.set(w, ssv ? ssid : 0);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        SIZE.set(w, size);
        ADDR.setAddress(w, addr);
        return w;
    }

    public static CmdPrefetchAddr decode(long[] w) {
        return new CmdPrefetchAddr((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w),
                ADDR.getAddress(w), (int) SIZE.get(w));
    }
}
