package org.svafabric.api.faults;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A fault as it is armed in a service: its spec, how often it fired, how many more times it
 * will ({@code remaining}: null until cleared), and since when.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmedFault(String kind, String device, String service, Long count, Long delayMillis, String owner,
                         long fired, Long remaining, Instant since) {
}
