package org.svafabric.iommu.hw.event;

/**
 * The content of one SMMUv3 event record (the 32-byte event-queue entry), as data. The queue
 * encodes it into the architecture's layout; the translation pipeline produces it.
 *
 * @param type      EVENT_ID
 * @param sid       StreamID
 * @param ssv       SubstreamID valid
 * @param ssid      SubstreamID (PASID) when {@code ssv}
 * @param stall     STALL: the transaction is held until CMD_RESUME names {@code stag}
 * @param stag      STAG of a stalled transaction
 * @param rnw       the faulting access was a read
 * @param pnu       privileged (1) or unprivileged (0) access
 * @param ind       instruction (1) or data (0) access
 * @param s2        fault in stage 2 (never, for this stage-1-only model)
 * @param clss      CLASS: 0 CD fetch, 1 translation-table walk, 2 input address
 * @param inputAddr the input (virtual) address of the transaction
 * @param fetchAddr the physical address of the fetch that failed, for fetch/walk errors
 * @param atsTreq   for F_BAD_ATS_TREQ, what the refused ATS Translation Request asked for; null otherwise
 */
public record Event(EventType type, int sid, boolean ssv, int ssid, boolean stall, int stag,
                    boolean rnw, boolean pnu, boolean ind, boolean s2, int clss,
                    long inputAddr, long fetchAddr, AtsTreq atsTreq) {

    /**
     * The request fields of an F_BAD_ATS_TREQ record (IHI 0070 §7.3.6): the permissions the ATS Translation
     * Request asked for, before STE.INSTCFG/PRIVCFG overrides — {@code w} is !NW, {@code r} is always 1 for
     * PCIe ATS — and {@code span}, the number of STUs requested.
     */
    public record AtsTreq(boolean r, boolean w, boolean x, boolean priv, int span) {
    }

    public Event(EventType type, int sid, boolean ssv, int ssid, boolean stall, int stag, boolean rnw, boolean pnu,
                 boolean ind, boolean s2, int clss, long inputAddr, long fetchAddr) {
        this(type, sid, ssv, ssid, stall, stag, rnw, pnu, ind, s2, clss, inputAddr, fetchAddr, null);
    }

    public static final int CLASS_CD = 0;
    public static final int CLASS_TT = 1;
    public static final int CLASS_IN = 2;

    /** A configuration error (C_BAD_STREAMID, C_BAD_STE, C_BAD_SUBSTREAMID, C_BAD_CD, ...). */
    public static Event config(EventType type, int sid, boolean ssv, int ssid) {
        return new Event(type, sid, ssv, ssid, false, 0, false, false, false, false, CLASS_CD, 0, 0);
    }

    /** A translation fault (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION) at {@code inputAddr}. */
    public static Event fault(EventType type, int sid, boolean ssv, int ssid, long inputAddr,
                              boolean rnw, boolean pnu, boolean ind, int clss) {
        return new Event(type, sid, ssv, ssid, false, 0, rnw, pnu, ind, false, clss, inputAddr, 0);
    }

    /** The same event, for a transaction held with STAG {@code stag}. */
    public Event stalled(int stag) {
        return new Event(type, sid, ssv, ssid, true, stag, rnw, pnu, ind, s2, clss, inputAddr, fetchAddr, atsTreq);
    }

    public Event withFetchAddr(long pa) {
        return new Event(type, sid, ssv, ssid, stall, stag, rnw, pnu, ind, s2, clss, inputAddr, pa, atsTreq);
    }

    /** An F_BAD_ATS_TREQ for a Translation Request of {@code span} STUs from {@code addr}. */
    public Event withAtsRequest(long addr, AtsTreq request) {
        return new Event(type, sid, ssv, ssid, stall, stag, rnw, pnu, ind, s2, clss, addr, fetchAddr, request);
    }
}
