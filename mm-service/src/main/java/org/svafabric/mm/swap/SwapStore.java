package org.svafabric.mm.swap;

import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The one swap device: numbered page-sized slots. A reclaimed page's bytes live in a slot whose
 * offset is kept in the page's non-present PTE ({@link Pte#swapEntry}); the fault that brings
 * the page back reads the slot and frees it (no swap cache). A slot is reserved before the PTE
 * points at it and filled only after the secondary TLBs were invalidated, since a device may
 * write the page until then. All-zero pages take no host memory.
 */
public final class SwapStore {
    private static final byte[] ZERO = new byte[0];

    private final long maxSlots;
    private final BitSet used = new BitSet();
    private final ConcurrentHashMap<Long, byte[]> contents = new ConcurrentHashMap<>();
    private long inUse;
    private int nextFit;

    public SwapStore(long maxSlots, MeterRegistry meters) {
        if (maxSlots < 1 || maxSlots > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("swap slots must be between 1 and 2^31-1");
        }
        this.maxSlots = maxSlots;
        Gauge.builder("mm.swap.slots.used", this, SwapStore::slotsUsed).register(meters);
    }

    /** Reserves a slot; ENOMEM when the swap device is full. */
    public synchronized long reserve() {
        int slot = used.nextClearBit(nextFit);
        if (slot >= maxSlots) {
            slot = used.nextClearBit(0);
            if (slot >= maxSlots) {
                throw new ErrnoException(Errno.ENOMEM, "swap-full", "all " + maxSlots + " swap slots are in use");
            }
        }
        used.set(slot);
        nextFit = slot + 1;
        inUse++;
        return slot;
    }

    public void store(long slot, byte[] page, boolean zero) {
        checkReserved(slot);
        contents.put(slot, zero ? ZERO : page);
    }

    /**
     * The page stored in {@code slot} (4096 bytes), or null if the slot holds none any more: a
     * concurrent fault on the same swap entry won, read the page back and freed the slot.
     */
    public byte[] load(long slot) {
        byte[] b = contents.get(slot);
        if (b == null) {
            return null;
        }
        return b == ZERO ? new byte[4096] : b;
    }

    public boolean isZero(long slot) {
        return contents.get(slot) == ZERO;
    }

    public synchronized void free(long slot) {
        checkReserved(slot);
        contents.remove(slot);
        used.clear((int) slot);
        inUse--;
    }

    public synchronized long slotsUsed() {
        return inUse;
    }

    private synchronized void checkReserved(long slot) {
        if (slot < 0 || slot >= maxSlots || !used.get((int) slot)) {
            throw new IllegalStateException("swap slot " + slot + " is not reserved");
        }
    }
}
