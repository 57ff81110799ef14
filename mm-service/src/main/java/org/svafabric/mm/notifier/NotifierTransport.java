package org.svafabric.mm.notifier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a notifier call reaches its subscriber. The future completes normally on an
 * acknowledgement, exceptionally otherwise; it must complete (either way) within
 * {@code timeout}.
 */
@FunctionalInterface
public interface NotifierTransport {
    CompletableFuture<Void> post(String url, Object body, Duration timeout);
}
