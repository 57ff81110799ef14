package org.svafabric.api.boot;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot ids of the peers as last seen, from any answer, any call and the periodic check. A change is a
 * reboot: the listeners are told before {@link #observe} returns, so a request that carries a new boot id
 * is handled only after this service reset what the reboot took away (a device must not keep translations
 * for an SMMU that forgot them while it serves the new SMMU's first command).
 *
 * <p>Race: two threads may see the same new id at once; one per peer runs the listeners (under that peer's
 * lock), so a reboot is handled exactly once. A thread that comes once the new id is recorded goes on without
 * waiting for the listeners: a reset is often a conversation with the rebooted peer (the SMMU's CMD_ATC_INV to a
 * device that rebooted completes by the device's own call), and that call must not wait for the reset it ends.
 * A listener that asks another peer on its own thread (one reboot often follows another, see
 * {@link BootWatchdog#askTheOthers}) is told of that peer's reboot inside its own.
 */
public final class PeerBoots {
    private static final Logger log = LoggerFactory.getLogger(PeerBoots.class);

    private final String self;
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /**
     * Ids of lives that ended (a boot id is drawn once, never again): an answer the previous life gave late, after
     * the new one was seen, is no reboot "back". Taken for one, it would reset everything again, and it could make
     * a listener that asks another peer wait on the lock of the reboot it runs inside.
     */
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private final List<PeerRebootListener> listeners = new CopyOnWriteArrayList<>();

    /** @param self this service's name: its own id (seen in a loop-back call) is never a peer's */
    public PeerBoots(String self) {
        this.self = self;
    }

    public void addListener(PeerRebootListener l) {
        listeners.add(l);
    }

    /** Records {@code bootId} of {@code service}; a different id than before is a reboot (see class comment). */
    public void observe(String service, String bootId) {
        if (service == null || bootId == null || bootId.isBlank() || service.equals(self)) {
            return;
        }
        if (bootId.equals(seen.get(service)) || retired.contains(bootId)) {
            return;
        }
        synchronized (locks.computeIfAbsent(service, k -> new Object())) {
            String previous = seen.get(service);
            if (bootId.equals(previous) || retired.contains(bootId)) {
                return;
            }
            seen.put(service, bootId);
            if (previous == null) {
                return;
            }
            retired.add(previous);
            PeerReboot r = new PeerReboot(service, previous, bootId);
            log.warn("{}: resetting what depended on it", r.describe());
            for (PeerRebootListener l : listeners) {
                try {
                    l.peerRebooted(r);
                } catch (RuntimeException e) {
                    log.error("reset after {} failed in {}", r.describe(), l, e);
                }
            }
        }
    }

    /** The boot ids seen, by service. */
    public Map<String, String> seen() {
        return Map.copyOf(seen);
    }
}
