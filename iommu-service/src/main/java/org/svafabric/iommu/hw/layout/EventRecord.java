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

    // F_BAD_ATS_TREQ (IHI 0070 §7.3.6): the refused ATS Translation Request's R/W/X/PRIV and Span, InputAddr in
    // dw2. The names and meanings are §7.3.6's; the record figure was not available as text here, so the
    // positions are the attribute bits of the other records (PnU 97, InD 98, RnW 99) extended by one (R 100)
    // and Span in the low half of dw1's upper word — unverified against the figure.
    /** Priv requested (bit 97, where other records have PnU). */
    public static final Field ATS_PRIV = Field.bit("PRIV", 1, 33);
    /** Execute requested (bit 98, where other records have InD). */
    public static final Field ATS_X = Field.bit("X", 1, 34);
    /** Write requested: !NW (bit 99, where other records have RnW). */
    public static final Field ATS_W = Field.bit("W", 1, 35);
    /** Read requested: always 1 for PCIe ATS (bit 100). */
    public static final Field ATS_R = Field.bit("R", 1, 36);
    /** Span: the number of STUs requested (bits [79:64]). */
    public static final Field ATS_SPAN = Field.bits("Span", 1, 15, 0);

    public static long[] encode(Event e) {
        long[] w = new long[DWORDS];
        EVENT_ID.set(w, e.type().code());
        // C_BAD_SUBSTREAMID records the SubstreamID but bit 11 is RES0 in that record (IHI 0070 §7.3.9).
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
        if (e.atsTreq() != null) {
            Event.AtsTreq t = e.atsTreq();
            ATS_R.set(w, t.r());
            ATS_W.set(w, t.w());
            ATS_X.set(w, t.x());
            ATS_PRIV.set(w, t.priv());
            ATS_SPAN.set(w, t.span());
        }
        return w;
    }

    public static Event decode(long[] w) {
        EventType type = EventType.ofCode((int) EVENT_ID.get(w));
        if (type == EventType.F_BAD_ATS_TREQ) {
            // Its dw1 holds the request's fields, not STAG/Stall/PnU/InD/RnW.
            return new Event(type, (int) STREAM_ID.get(w), SSV.isSet(w), (int) SUBSTREAM_ID.get(w), false, 0,
                    false, false, false, false, 0, INPUT_ADDR.get(w), 0,
                    new Event.AtsTreq(ATS_R.isSet(w), ATS_W.isSet(w), ATS_X.isSet(w), ATS_PRIV.isSet(w),
                            (int) ATS_SPAN.get(w)));
        }
        // C_BAD_SUBSTREAMID has no SSV: its SubstreamID is always valid (IHI 0070 §7.3.9).
        return new Event(type, (int) STREAM_ID.get(w), SSV.isSet(w) || type == EventType.C_BAD_SUBSTREAMID,
                (int) SUBSTREAM_ID.get(w), STALL.isSet(w), (int) STAG.get(w), RNW.isSet(w), PNU.isSet(w),
                IND.isSet(w), S2.isSet(w), (int) CLASS.get(w), INPUT_ADDR.get(w), FETCH_ADDR.getAddress(w));
    }
}
