package org.svafabric.iommu.core.sva;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The system-wide PASID space, like the kernel's iommu_pasid_idr: a PASID maps to at most one io_mm, and
 * allocation gives the lowest free PASID of the caller's range (idr_alloc). Not thread-safe: the
 * {@link IoMmTable} lock guards it.
 */
final class PasidAllocator {
    private final BitSet used = new BitSet();
    private final Map<Integer, IoMm> byPasid = new HashMap<>();

    /** The lowest free PASID in [min, max], or -1 when every one is taken. */
    int lowestFree(int min, int max) {
        int pasid = used.nextClearBit(min);
        return pasid <= max ? pasid : -1;
    }

    void install(int pasid, IoMm ioMm) {
        if (used.get(pasid)) {
            throw new IllegalStateException("PASID " + pasid + " is already allocated");
        }
        used.set(pasid);
        byPasid.put(pasid, ioMm);
    }

    /** Returns the PASID to the pool ("The PASID can now be reallocated"). */
    void remove(int pasid) {
        used.clear(pasid);
        byPasid.remove(pasid);
    }

    IoMm lookup(int pasid) {
        return byPasid.get(pasid);
    }

    int allocated() {
        return byPasid.size();
    }

    void forEach(BiConsumer<Integer, IoMm> action) {
        byPasid.forEach(action);
    }
}
