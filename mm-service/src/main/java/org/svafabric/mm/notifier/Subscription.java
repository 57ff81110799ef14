package org.svafabric.mm.notifier;

/**
 * One MMU-notifier subscriber of an mm: calls go to {@code callbackUrl}/invalidate-range,
 * /release and, with Broadcast TLB Maintenance ({@code btm}), /tlbi.
 */
public record Subscription(long id, String callbackUrl, boolean btm) {
}
