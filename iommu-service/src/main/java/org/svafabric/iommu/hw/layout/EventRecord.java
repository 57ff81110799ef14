package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;

/**
 * The 32-byte event-queue record: field positions from Linux {@code arm-smmu-v3.h} ({@code EVTQ_0_*} ..
 * {@code EVTQ_3_*}), which QEMU's {@code EVT_SET_*} (in 32-bit words) agrees with. Encodes an {@link Event}
 * into four little-endian doublewords and back.
 */
public final class EventRecord {
    private EventRecord() {
    }

    public static final int BYTES = 32;
    public static final int DWORDS = 4;

    public static final Field EVENT_ID = Field.bits("EVENT_ID", 0, 7, 0);
    public static final Field SSV = Field.bit("SSV", 0, 11);
    public static final Field SUBSTREAM_ID = Field.bits("SubstreamID", 0, 31, 12);
    public static final Field STREAM_ID = Field.bits("StreamID", 0, 63, 32);
    public static final Field STAG = Field.bits("STAG", 1, 15, 0);
    public static final Field STALL = Field.bit("Stall", 1, 31);
    public static final Field PNU = Field.bit("PnU", 1, 33);
    public static final Field IND = Field.bit("InD", 1, 34);
    public static final Field RNW = Field.bit("RnW", 1, 35);
    public static final Field S2 = Field.bit("S2", 1, 39);
    public static final Field CLASS = Field.bits("CLASS", 1, 41, 40);
    public static final Field INPUT_ADDR = Field.bits("InputAddr", 2, 63, 0);
    /** FetchAddr[51:3] in place, for F_STE_FETCH, F_CD_FETCH and F_WALK_EABT. */
    public static final Field FETCH_ADDR = Field.bits("FetchAddr", 3, 51, 3);

    public static long[] encode(Event e) {
        long[] w = new long[DWORDS];
        EVENT_ID.set(w, e.type().code());
        // C_BAD_SUBSTREAMID records the SubstreamID but bit 11 is RES0 in that record (IHI 0070 §7.3.4).
        SSV.set(w, e.ssv() && e.type() != EventType.C_BAD_SUBSTREAMID);
        SUBSTREAM_ID.set(w, e.ssv() ? e.ssid() : 0);
        STREAM_ID.set(w, Integer.toUnsignedLong(e.sid()));
        STAG.set(w, e.stall() ? e.stag() : 0);
        STALL.set(w, e.stall());
        PNU.set(w, e.pnu());
        IND.set(w, e.ind());
        RNW.set(w, e.rnw());
        S2.set(w, e.s2());
        CLASS.set(w, e.clss());
        INPUT_ADDR.set(w, e.inputAddr());
        FETCH_ADDR.setAddress(w, e.fetchAddr());
        return w;
    }

    public static Event decode(long[] w) {
        return new Event(EventType.ofCode((int) EVENT_ID.get(w)), (int) STREAM_ID.get(w), SSV.isSet(w),
                (int) SUBSTREAM_ID.get(w), STALL.isSet(w), (int) STAG.get(w), RNW.isSet(w), PNU.isSet(w),
                IND.isSet(w), S2.isSet(w), (int) CLASS.get(w), INPUT_ADDR.get(w), FETCH_ADDR.getAddress(w));
    }
}
