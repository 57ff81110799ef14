package org.svafabric.device.platform;

/** The tracepoint of the untranslated path: transactions the SMMU stalled, then resumed or aborted. */
public interface StallListener {
    StallListener NONE = stalls -> { };

    /** One transaction completed or terminated after {@code stalls} stalls. */
    void stalled(int stalls);
}
