package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.layout.QueueRegisters;

/**
 * The driver's end of an SMMU output queue (event or PRI queue; Linux {@code queue_sync_prod_in},
 * {@code queue_remove_raw}, {@code queue_sync_cons_out}): {@link #take} reads PROD and the entries up to it
 * from RAM, one access per contiguous run; {@link #release} hands them back by writing CONS, with OVACKFLG
 * equal to the OVFLG seen, which acknowledges an overflow. The caller handles the entries (and an overflow)
 * in between, so the SMMU writes nothing new into a PRI queue whose overflow is not dealt with yet. One
 * consumer at a time (the caller's lock).
 */
final class OutputQueueReader {

    /** What one pass took: the entries, in order, whether the SMMU had flagged an overflow, and CONS after them. */
    record Batch(List<long[]> entries, boolean overflowed, int nextCons) {
    }

    private final MemoryBus bus;
    private final Mmio regs;
    private final int prodReg;
    private final int consReg;
    private final long base;
    private final int entryBytes;
    private final int entries;
    private final int wrapMask;
    private int cons;

    OutputQueueReader(MemoryBus bus, Mmio regs, int prodReg, int consReg, long base, int log2Size, int entryBytes) {
        this.bus = bus;
        this.regs = regs;
        this.prodReg = prodReg;
        this.consReg = consReg;
        this.base = base;
        this.entryBytes = entryBytes;
        this.entries = 1 << log2Size;
        this.wrapMask = (entries << 1) - 1;
    }

    /** Every entry the SMMU has produced so far; CONS stays until {@link #release}. */
    Batch take() {
        int prodReg = regs.read32(this.prodReg);
        boolean overflow = QueueRegisters.OVERFLOW.isSet(Integer.toUnsignedLong(prodReg))
                != QueueRegisters.OVERFLOW.isSet(Integer.toUnsignedLong(cons));
        int prod = prodReg & wrapMask;
        List<long[]> out = new ArrayList<>();
        int at = cons & wrapMask;
        while (at != prod) {
            int idx = at & (entries - 1);
            int run = Math.min(((prod - at) & wrapMask), entries - idx);
            long[] words = Words.fromBytes(bus.read(base + (long) idx * entryBytes, run * entryBytes));
            int perEntry = entryBytes / 8;
            for (int i = 0; i < run; i++) {
                long[] e = new long[perEntry];
                System.arraycopy(words, i * perEntry, e, 0, perEntry);
                out.add(e);
            }
            at = (at + run) & wrapMask;
        }
        int ovack = (int) QueueRegisters.OVERFLOW.mask() & prodReg;
        return new Batch(out, overflow, ovack | at);
    }

    /** Frees the batch's entries and acknowledges the overflow it saw. */
    void release(Batch batch) {
        if (batch.nextCons() != cons) {
            cons = batch.nextCons();
            regs.write32(consReg, cons);
        }
    }
}
