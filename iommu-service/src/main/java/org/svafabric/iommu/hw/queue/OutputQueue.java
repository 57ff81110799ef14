package org.svafabric.iommu.hw.queue;

import static org.svafabric.iommu.hw.layout.QueueRegisters.OVERFLOW;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.bus.MemoryBus;

/**
 * The mechanics shared by the SMMU's output queues (event queue, PRI queue): the SMMU owns PROD (WR and
 * OVFLG), software owns CONS (RD and OVACKFLG), entries live in RAM. "An SMMU output queue is full if ...
 * PROD.WR == CONS.RD and WRAP bits differ" (IHI 0070 §7.4). What to do with an entry that does not fit is
 * the owner's policy; so is locking: the producer side (staging, committing, overflow) is called under the
 * owner's lock; PROD and CONS are volatile so that software may read PROD and write CONS without waiting for
 * a producer that is in the middle of a bus write.
 *
 * <p>Entries may be staged and committed together ({@link #stage}, {@link #commit}): one bus write for a run of
 * entries (a PCIe page-request group), PROD advancing once, after all of them are in RAM.
 */
public final class OutputQueue {
    private final MemoryBus bus;
    private final int entryBytes;
    private final int idrMaxLog2Size;
    private RamRing ring;
    private boolean enabled;
    /** PROD as software sees it: advanced only after the entries before it are in RAM. */
    private volatile int prod;
    private volatile int cons;
    /** PROD as the producer sees it while entries are staged; equals {@code prod} otherwise. */
    private int stagedProd;
    private final List<long[]> staged = new ArrayList<>();

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
        stagedProd = value;
    }

    /** Software's write of CONS: moves RD on and, through OVACKFLG, acknowledges an overflow. */
    public void writeCons(int value) {
        cons = value;
    }

    /** Full, counting the staged entries. */
    public boolean isFull() {
        return ring.isFull(stagedProd, cons);
    }

    public boolean overflowActive() {
        return OVERFLOW.isSet(stagedProd) != OVERFLOW.isSet(cons);
    }

    /** Enters the overflow condition by toggling PROD.OVFLG, unless it is already present; visible at the next commit. */
    public void signalOverflow() {
        if (!overflowActive()) {
            stagedProd ^= (int) OVERFLOW.mask();
            if (staged.isEmpty()) {
                prod = stagedProd;
            }
        }
    }

    /** Takes {@code entry} for the next commit, at the PROD after the entries staged before it. Not full: checked by the caller. */
    public void stage(long[] entry) {
        staged.add(entry);
        stagedProd = ring.next(stagedProd);
    }

    /**
     * Writes the staged entries in one bus access (two when they wrap) and only then advances PROD past them. A bus
     * failure propagates with nothing staged and PROD where it was (an OVFLG toggle included, as hardware would
     * have written it): the caller answers for the entries that were not written.
     */
    public void commit() {
        if (staged.isEmpty()) {
            return;
        }
        try {
            ring.writeRun(prod, staged);
            prod = stagedProd;
        } catch (RuntimeException busFault) {
            int overflow = (int) OVERFLOW.mask();
            prod = (prod & ~overflow) | (stagedProd & overflow);
            stagedProd = prod;
            throw busFault;
        } finally {
            staged.clear();
        }
    }

    /**
     * Writes {@code entry} at PROD and then advances PROD: the entry is in RAM before software can see the
     * new PROD. The caller has checked that the queue is enabled and not full. A bus failure propagates and
     * leaves PROD where it was.
     */
    public void push(long[] entry) {
        stage(entry);
        commit();
    }
}
