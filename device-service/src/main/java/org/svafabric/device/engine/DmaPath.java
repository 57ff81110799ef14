package org.svafabric.device.engine;

import java.util.List;

/**
 * How a device's engine reaches memory at virtual addresses (with the job's PASID) or IOVAs:
 * through its ATC, ATS and PRI (a PCIe function with ATS), or as untranslated transactions the
 * SMMU translates. Both methods either complete the whole range or throw {@link DmaFault};
 * they count the faults they take in the job's {@link FaultCounters}.
 */
public interface DmaPath {

    /** One range a segment's operation touches, and whether it writes it. */
    record Span(long addr, int length, boolean write) {
    }

    byte[] read(Job job, long addr, int length);

    void write(Job job, long addr, byte[] data);

    /**
     * Makes the range's translations present for a later access, moving no data: what an engine does for
     * the segments ahead of the one it is on ({@link Lookahead}). Paths without a translation cache have
     * nothing to do ahead. May throw {@link DmaFault} as an access would; the access then meets it again.
     */
    default void prefetch(Job job, long addr, int length, boolean write) {
    }

    /**
     * Makes every span of one segment present ({@link #prefetch(Job, long, int, boolean)} for each, in order). A
     * path with ATS overrides it to ask for the spans' pages in one Translation Request batch, as an engine that
     * knows a descriptor's source and destination asks for both at once.
     */
    default void prefetch(Job job, List<Span> spans) {
        for (Span s : spans) {
            prefetch(job, s.addr(), s.length(), s.write());
        }
    }

    /** Whether {@link #prefetch} does anything, so that the engine does not translate ahead for nothing. */
    default boolean translatesAhead() {
        return false;
    }
}
