package org.svafabric.iommu.hw.pri;

import org.svafabric.api.bits.Field;

/**
 * One PRI Page Request (PPR) as the 16-byte PRI-queue entry (IHI 0070 chapter 8; field positions from
 * Linux {@code PRIQ_0_*}/{@code PRIQ_1_*}). The access the endpoint wants is given by separate R/W/X/Priv
 * bits rather than RnW; a request with Last=1, W=0, R=0 and a PASID is the PCIe "Stop PASID" marker, which
 * delimits groups and is never answered.
 *
 * @param sid      StreamID (the PCIe RequesterID in bits [15:0])
 * @param ssv      the request carried a PASID prefix
 * @param ssid     SubstreamID (PASID), meaningful when {@code ssv}
 * @param prgIndex Page Request Group index (9 bits)
 * @param last     the last request of its group
 * @param read     read access requested
 * @param write    write access requested
 * @param exec     execute access requested (only with a PASID)
 * @param priv     privileged access requested (only with a PASID)
 * @param addr     page address, bits [63:12]
 */
public record PageRequest(int sid, boolean ssv, int ssid, int prgIndex, boolean last, boolean read, boolean write,
                          boolean exec, boolean priv, long addr) {

    public static final int BYTES = 16;

    public static final Field STREAM_ID = Field.bits("StreamID", 0, 31, 0);
    public static final Field SUBSTREAM_ID = Field.bits("SubstreamID", 0, 51, 32);
    public static final Field PRIV = Field.bit("Priv", 0, 58);
    public static final Field EXEC = Field.bit("X", 0, 59);
    public static final Field READ = Field.bit("R", 0, 60);
    public static final Field WRITE = Field.bit("W", 0, 61);
    public static final Field LAST = Field.bit("Last", 0, 62);
    public static final Field SSV = Field.bit("SSV", 0, 63);
    public static final Field PRG_INDEX = Field.bits("PRGIndex", 1, 8, 0);
    public static final Field PAGE_ADDR = Field.bits("PageAddress", 1, 63, 12);

    public PageRequest {
        if ((prgIndex & ~0x1ff) != 0) {
            throw new IllegalArgumentException("PRG index " + prgIndex + " does not fit in 9 bits");
        }
    }

    /** The PCIe Stop PASID marker: LWR == 0b100 with a PASID. */
    public boolean isStopMarker() {
        return ssv && last && !write && !read;
    }

    public long[] encode() {
        long[] w = new long[2];
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        SUBSTREAM_ID.set(w, ssv ? ssid : 0);
        PRIV.set(w, priv);
        EXEC.set(w, exec);
        READ.set(w, read);
        WRITE.set(w, write);
        LAST.set(w, last);
        SSV.set(w, ssv);
        PRG_INDEX.set(w, prgIndex);
        PAGE_ADDR.setAddress(w, addr);
        return w;
    }

    public static PageRequest decode(long[] w) {
        return new PageRequest((int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w),
                (int) PRG_INDEX.get(w), LAST.isSet(w), READ.isSet(w), WRITE.isSet(w), EXEC.isSet(w), PRIV.isSet(w),
                PAGE_ADDR.getAddress(w));
    }
}
