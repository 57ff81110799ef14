package org.svafabric.api.boot;

/**
 * A peer answered (or called) with a boot id other than the one seen before: it rebooted in between.
 *
 * @param service  the peer ({@link BootId#MM}, ...)
 * @param previous the boot id seen before
 * @param current  the boot id seen now
 */
public record PeerReboot(String service, String previous, String current) {

    /** For event details and logs: "mm-service rebooted (boot 1a2b3c4d -> 5e6f7a8b)". */
    public String describe() {
        return service + " rebooted (boot " + shortId(previous) + " -> " + shortId(current) + ")";
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
