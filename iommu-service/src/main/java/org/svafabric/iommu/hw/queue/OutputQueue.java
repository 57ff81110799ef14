package org.svafabric.iommu.hw.queue;

import static org.svafabric.iommu.hw.layout.QueueRegisters.OVERFLOW;

import org.svafabric.api.bus.MemoryBus;

/**
 * The mechanics shared by the SMMU's output queues (event queue, PRI queue): the SMMU owns PROD (WR and
 * OVFLG), software owns CONS (RD and OVACKFLG), entries live in RAM. "An SMMU output queue is full if ...
 * PROD.WR == CONS.RD and WRAP bits differ" (IHI 0070 §7.4). What to do with an entry that does not fit is
 * the owner's policy; so is locking: not thread-safe, every call is made under the owner's lock.
 */
public final class OutputQueue {
    private final MemoryBus bus;
    private final int entryBytes;
    private final int idrMaxLog2Size;
    private RamRing ring;
    private boolean enabled;
    private int prod;
    private int cons;

    public OutputQueue(MemoryBus bus, int entryBytes, int idrMaxLog2Size) {
        this.bus = bus;
        this.entryBytes = entryBytes;
        this.idrMaxLog2Size = idrMaxLog2Size;
        configure(new QueueBase(0, 0, false));
    }

    /** A write of *_BASE: takes effect for the queue geometry; software sets it while the queue is disabled. */
    public void configure(QueueBase base) {
        ring = new RamRing(bus, base.effectiveAddr(idrMaxLog2Size, entryBytes),
                base.effectiveLog2Size(idrMaxLog2Size), entryBytes);
    }

    public RamRing ring() {
        return ring;
    }

    public boolean enabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int prod() {
        return prod;
    }

    public int cons() {
        return cons;
    }

    /** Software's write of PROD: only meaningful while the queue is disabled (initialisation). */
    public void writeProd(int value) {
        prod = value;
    }

    /** Software's write of CONS: moves RD on and, through OVACKFLG, acknowledges an overflow. */
    public void writeCons(int value) {
        cons = value;
    }

    public boolean isFull() {
        return ring.isFull(prod, cons);
    }

    public boolean overflowActive() {
        return OVERFLOW.isSet(prod) != OVERFLOW.isSet(cons);
    }

    /** Enters the overflow condition by toggling PROD.OVFLG, unless it is already present. */
    public void signalOverflow() {
        if (!overflowActive()) {
            prod ^= (int) OVERFLOW.mask();
        }
    }

    /**
     * Writes {@code entry} at PROD and then advances PROD: the entry is in RAM before software can see the
     * new PROD. The caller has checked that the queue is enabled and not full. A bus failure propagates and
     * leaves PROD where it was.
     */
    public void push(long[] entry) {
        ring.write(prod, entry);
        prod = ring.next(prod);
    }
}
