package org.svafabric.iommu.core.iopf;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.svafabric.api.timing.DmaEvent.FaultKinds;

/**
 * What handle_mm_fault took for each answered fault group (minor, major, swap-in), kept from the moment the
 * IOPF handler finished until the answer to the device goes out, which then carries it: the PRG Response for
 * a page-request group (by StreamID and PRG index), the end of the stalled transaction for a stall (by
 * StreamID and faulting page). This is the model clock's telemetry, not architecture: no hardware message
 * carries it, which is why it travels beside the command queue rather than through it.
 *
 * <p>Bounded: a note nobody takes (a response that was never delivered) is dropped once
 * {@value #CAPACITY} newer ones arrived.
 */
public final class FaultKindNotes {
    static final int CAPACITY = 4096;

    private record Key(String device, boolean stall, long id) {
    }

    private final LinkedHashMap<Key, FaultKinds> notes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, FaultKinds> eldest) {
            return size() > CAPACITY;
        }
    };

    /** A page-request group's kinds, noted before its response is sent. */
    public synchronized void noteGroup(String device, int prgIndex, FaultKinds kinds) {
        notes.put(new Key(device, false, prgIndex), kinds);
    }

    /** A stall's kinds, noted before CMD_RESUME is sent; {@code page} is the faulting 4 KiB page. */
    public synchronized void noteStall(String device, long page, FaultKinds kinds) {
        notes.merge(new Key(device, true, page), kinds, FaultKinds::plus);
    }

    /** The kinds of the group being answered, or none. */
    public synchronized FaultKinds takeGroup(String device, int prgIndex) {
        FaultKinds k = notes.remove(new Key(device, false, prgIndex));
        return k == null ? FaultKinds.NONE : k;
    }

    /**
     * The kinds of every stall of {@code device} on a page in [{@code first}, {@code last}]: those of one
     * transaction that just finished (two transactions of one stream stalling on the same page at the same
     * time share theirs with whichever finishes first).
     */
    public synchronized FaultKinds takeStalls(String device, long first, long last) {
        FaultKinds sum = FaultKinds.NONE;
        Iterator<Map.Entry<Key, FaultKinds>> it = notes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, FaultKinds> e = it.next();
            Key k = e.getKey();
            if (k.device().equals(device) && k.stall() && Long.compareUnsigned(k.id(), first) >= 0 && Long.compareUnsigned(k.id(), last) <= 0) {
                sum = sum.plus(e.getValue());
                it.remove();
            }
        }
        return sum;
    }
}
