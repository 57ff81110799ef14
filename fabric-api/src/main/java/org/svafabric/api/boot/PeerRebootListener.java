package org.svafabric.api.boot;

/** Resets what this service held on behalf of a peer that rebooted (see {@link PeerBoots}). */
@FunctionalInterface
public interface PeerRebootListener {
    void peerRebooted(PeerReboot reboot);
}
