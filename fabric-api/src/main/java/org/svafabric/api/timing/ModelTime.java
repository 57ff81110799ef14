package org.svafabric.api.timing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's model time: {@code nanos} is its critical path, what the device waited for on hardware
 * priced by the {@link TimingTable}; {@code breakdown} is the work by event kind ({@link Cost#key()}),
 * with {@code overlap} (zero or negative) the part of that work hidden by work done at the same time,
 * so that the breakdown adds up to {@code nanos}. The breakdown keeps the order it is given (the model gives
 * it in {@link Cost} order, the order of the flow, then {@code overlap}).
 */
public record ModelTime(long nanos, Map<String, Long> breakdown) {
    public static final String OVERLAP = "overlap";

    public ModelTime {
        breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
    }
}
