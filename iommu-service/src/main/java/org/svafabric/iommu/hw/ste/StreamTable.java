package org.svafabric.iommu.hw.ste;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.layout.L1Std;
import org.svafabric.iommu.hw.layout.Ste;

/**
 * Finds and fetches the STE of a StreamID in the stream table in RAM, linear or 2-level (IHI 0070 §3.3.2,
 * §5.1). A StreamID that reaches no STE (beyond LOG2SIZE, an L1STD with Span 0 or reserved, a Span larger than
 * the split allows, an index beyond the level-2 array) is a bad StreamID; a read that the bus refuses is a
 * fetch abort.
 */
public final class StreamTable {
    private StreamTable() {
    }

    /** Outcome of looking up a StreamID. */
    public sealed interface Lookup permits Found, BadStreamId, FetchAbort {
    }

    /** The STE, read from {@code pa}. */
    public record Found(long pa, Ste ste) implements Lookup {
    }

    /** C_BAD_STREAMID. */
    public record BadStreamId() implements Lookup {
    }

    /** F_STE_FETCH at {@code pa}. */
    public record FetchAbort(long pa) implements Lookup {
    }

    private static final BadStreamId BAD = new BadStreamId();

    public static Lookup fetch(MemoryBus bus, StreamTableConfig table, int sid) {
        long sidU = Integer.toUnsignedLong(sid);
        if (table.log2Size() < 32 && sidU >= (1L << table.log2Size())) {
            return BAD;
        }
        long pa;
        if (!table.twoLevel()) {
            pa = table.base() + sidU * Ste.SIZE;
        } else {
            long l1pa = table.base() + (sidU >>> table.split()) * L1Std.SIZE;
            long desc;
            try {
                desc = bus.read64(l1pa);
            } catch (RuntimeException e) {
                return new FetchAbort(l1pa);
            }
            long count = L1Std.steCount(desc);
            int span = (int) L1Std.SPAN.get(desc);
            long index = sidU & ((1L << table.split()) - 1);
            if (count == 0 || span - 1 > table.split() || index >= count) {
                return BAD;
            }
            long l2 = L1Std.L2PTR.getAddress(desc) & -(count * Ste.SIZE);
            pa = l2 + index * Ste.SIZE;
        }
        try {
            return new Found(pa, Ste.decode(Words.fromBytes(bus.read(pa, Ste.SIZE))));
        } catch (RuntimeException e) {
            return new FetchAbort(pa);
        }
    }
}
