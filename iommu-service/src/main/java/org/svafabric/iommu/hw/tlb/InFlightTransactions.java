package org.svafabric.iommu.hw.tlb;

import java.util.concurrent.locks.StampedLock;

/**
 * Transactions between translation and the end of their memory access. An invalidation is complete only when
 * no transaction that may have used the old translation can still reach memory (the CMD_SYNC after a TLBI
 * guarantees that to software, which then frees the page), so after removing entries the SMMU
 * {@link #drain()}s: it waits until every transaction in flight at that moment has finished.
 *
 * <p>A transaction holds its pass only around translate-then-access, never while stalled: a stalled
 * transaction is resolved by software that may itself need an invalidation to complete.
 */
public final class InFlightTransactions {
    private final StampedLock lock = new StampedLock();

    /** Enters; the returned pass must be given to {@link #exit(long)}. */
    public long enter() {
        return lock.readLock();
    }

    public void exit(long pass) {
        lock.unlockRead(pass);
    }

    /** Returns once every transaction that had entered before the call has exited. */
    public void drain() {
        long w = lock.writeLock();
        lock.unlockWrite(w);
    }
}
