package org.svafabric.device.pcie;

import org.svafabric.api.wire.PrgResponseCode;

import java.time.Duration;
import java.util.List;

/**
 * The tracepoints of a function's Page Request Interface: groups sent, PRG Responses matched or unexpected,
 * groups given up. They keep meters and the event log beside the PRI logic, not in it. Called on the DMA
 * path (a response under no lock, the rest on the engine's thread): an implementation must not block and must
 * not throw; the defaults ignore the call.
 */
public interface PriListener {
    PriListener NONE = new PriListener() { };

    /** A page request group went out: {@code pages} in order, the last one with Last set. */
    default void groupSent(Integer pasid, int prgIndex, List<Long> pages, boolean write) {
    }

    /** A PRG Response matched the outstanding group {@code prgIndex}, whose first page is {@code firstPage}. */
    default void responded(Integer pasid, int prgIndex, long firstPage, PrgResponseCode code) {
    }

    /** A PRG Response for no outstanding group, or with the wrong PASID (Status.UPRGI). */
    default void unexpectedResponse(int prgIndex, Integer pasid) {
    }

    /** The function sent the Stop Marker of {@code pasid}: no more page requests with it follow. */
    default void stopMarkerSent(int pasid) {
    }

    /** No PRG Response came within {@code timeout}: the device gave the group up and took its credits back. */
    default void timedOut(Integer pasid, int prgIndex, long firstPage, Duration timeout) {
    }
}
