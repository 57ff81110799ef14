package org.svafabric.api.mm;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.svafabric.api.json.Addr;

/**
 * Bodies of the calls mm-service makes to an MMU-notifier subscriber at
 * {@code {callbackUrl}/invalidate-range}, {@code /release} and {@code /tlbi}. Any 2xx answer is
 * the acknowledgement; until every subscriber has acknowledged, no frame of the range is freed
 * or reused.
 */
public final class NotifierCallbacks {
    private NotifierCallbacks() {
    }

    public static final String INVALIDATE_RANGE = "/invalidate-range";
    public static final String RELEASE = "/release";
    public static final String TLBI = "/tlbi";

    /**
     * Invalidate every translation of [start, end) the subscriber may cache (IOTLB, ATC).
     * {@code reason}: munmap, mprotect, reclaim, clear-young. {@code btm} is true for a subscriber
     * that already received the matching {@link Tlbi} and only needs to clean its ATCs.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InvalidateRange(long pid, int asid, Addr start, Addr end, String reason, Boolean btm) {
    }

    /** The mm is going away (exit): stop using it; after the answer its frames are freed. */
    public record Release(long pid, int asid) {
    }

    /**
     * A broadcast TLBI as the CPU issues it: by VA ({@code va} and {@code pages} present:
     * TLBI VAE1IS per page) or for the whole ASID ({@code va} absent: TLBI ASIDE1IS).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tlbi(int asid, Addr va, Long pages) {
    }
}
