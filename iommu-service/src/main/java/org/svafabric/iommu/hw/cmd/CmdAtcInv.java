package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.SSV;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;
import static org.svafabric.iommu.hw.cmd.CommandFields.SUBSTREAM_ID;

import org.svafabric.api.bits.Field;

/**
 * CMD_ATC_INV(StreamID, SubstreamID, SSV, Global, Address, Size): an ATS Invalidation Request to the
 * endpoint for the span of 4 KiB × 2^Size aligned at Address; Size 52 invalidates everything
 * (IHI 0070 §4.5.1; Linux {@code CMDQ_ATC_*}, {@code ATC_INV_SIZE_ALL}). Global is IGNORED without SSV.
 * Consumption does not mean completion: a later CMD_SYNC waits for the endpoint.
 */
public record CmdAtcInv(int sid, boolean ssv, int ssid, boolean global, long addr, int size) implements Command {

    public static final Field GLOBAL = Field.bit("G", 0, 9);
    public static final Field SIZE = Field.bits("Size", 1, 5, 0);
    public static final Field ADDR = Field.bits("Address", 1, 63, 12);
    public static final int SIZE_ALL = 52;

    static final long[] LAYOUT = CommandFields.layout(OPCODE, GLOBAL, SSV, SUBSTREAM_ID, STREAM_ID, SIZE, ADDR);

    /**
     * The address the endpoint is sent: "The Address span is aligned to its size by the SMMU. The effective
     * value of Address[11 + Size:0] is taken as zero."
     */
    public long alignedAddr() {
        return size >= SIZE_ALL ? 0 : addr & ~((4096L << size) - 1);
    }

    @Override
    public Opcode opcode() {
        return Opcode.CMD_ATC_INV;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        GLOBAL.set(w, global);
        SSV.set(w, ssv);
        SUBSTREAM_ID.set(w, ssv ? ssid : 0);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        SIZE.set(w, size);
        ADDR.setAddress(w, addr);
        return w;
    }

    public static CmdAtcInv decode(long[] w) {
        return new CmdAtcInv((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w), GLOBAL.isSet(w),
                ADDR.getAddress(w), (int) SIZE.get(w));
    }
}
