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
 */
public record Event(EventType type, int sid, boolean ssv, int ssid, boolean stall, int stag,
                    boolean rnw, boolean pnu, boolean ind, boolean s2, int clss,
                    long inputAddr, long fetchAddr) {

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
        return new Event(type, sid, ssv, ssid, true, stag, rnw, pnu, ind, s2, clss, inputAddr, fetchAddr);
    }

    public Event withFetchAddr(long pa) {
        return new Event(type, sid, ssv, ssid, stall, stag, rnw, pnu, ind, s2, clss, inputAddr, pa);
    }
}
