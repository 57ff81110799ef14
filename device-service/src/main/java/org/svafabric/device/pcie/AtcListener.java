package org.svafabric.device.pcie;

/**
 * The tracepoints of a function's ATS side: ATC lookups, ATS Translation Requests, ATS Invalidation
 * Requests completed. Called on the DMA path: an implementation must not block and must not throw.
 */
public interface AtcListener {
    AtcListener NONE = new AtcListener() { };

    /** One access looked its pages up in the ATC. */
    default void lookedUp(int hits, int misses) {
    }

    /** An ATS Translation Request for {@code pages} pages went to the SMMU. */
    default void translationRequested(int pages) {
    }

    /** An ATS Invalidation Request completed, after the accesses that could use the entries finished. */
    default void invalidated(int dropped) {
    }
}
