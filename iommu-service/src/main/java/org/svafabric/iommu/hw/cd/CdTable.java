package org.svafabric.iommu.hw.cd;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.layout.L1Cd;
import org.svafabric.iommu.hw.layout.Cd;

/**
 * Finds and fetches the CD of a SubstreamID through a stage-1 STE (IHI 0070 §5.2 STE.S1Fmt, §5.3): one CD,
 * a linear table, or a 2-level table with 4 KiB (64 CDs) or 64 KiB (1024 CDs) leaves. The SubstreamID has
 * already been checked against S1CDMax; an L1CD with V = 0 gives C_BAD_SUBSTREAMID.
 */
public final class CdTable {
    private CdTable() {
    }

    public sealed interface Lookup permits Found, MissingL2, FetchAbort {
    }

    public record Found(long pa, Cd cd) implements Lookup {
    }

    /** The L1CD covering the SubstreamID has V = 0: C_BAD_SUBSTREAMID. */
    public record MissingL2(long l1pa) implements Lookup {
    }

    /** F_CD_FETCH at {@code pa}. */
    public record FetchAbort(long pa) implements Lookup {
    }

    /** The PA of the CD for {@code ssid} in a linear table, or the L1CD for it in a 2-level one. */
    public static Lookup fetch(MemoryBus bus, Ste ste, int ssid, int ssidBits) {
        long ptr = ste.address(Ste.S1_CONTEXT_PTR);
        long pa;
        if (ste.get(Ste.S1CDMAX) == 0 || ssidBits == 0) {
            pa = ptr;
        } else if (ste.get(Ste.S1FMT) == Ste.S1FMT_4K_L2 || ste.get(Ste.S1FMT) == Ste.S1FMT_64K_L2) {
            int leafBits = ste.get(Ste.S1FMT) == Ste.S1FMT_4K_L2 ? 6 : 10;
            long l1pa = ptr + (ste.get(Ste.S1CDMAX) > leafBits ? (long) (ssid >>> leafBits) * L1Cd.SIZE : 0);
            long l1;
            try {
                l1 = bus.read64(l1pa);
            } catch (RuntimeException e) {
                return new FetchAbort(l1pa);
            }
            if (!L1Cd.V.isSet(l1)) {
                return new MissingL2(l1pa);
            }
            long leafSize = (long) Cd.SIZE << leafBits;
            pa = (L1Cd.L2PTR.getAddress(l1) & -leafSize) + (long) (ssid & ((1 << leafBits) - 1)) * Cd.SIZE;
        } else {
            pa = ptr + (long) ssid * Cd.SIZE; // S1Fmt 0b00, and the reserved 0b11 that behaves as 0b00
        }
        try {
            return new Found(pa, Cd.decode(Words.fromBytes(bus.read(pa, Cd.SIZE))));
        } catch (RuntimeException e) {
            return new FetchAbort(pa);
        }
    }
}
