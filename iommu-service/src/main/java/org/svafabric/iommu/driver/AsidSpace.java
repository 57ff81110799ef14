package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.hw.cmd.Command;
import org.svafabric.iommu.hw.layout.Cd;

/**
 * The ASID space under its lock (Linux {@code arm_smmu_asid_lock} around {@code arm_smmu_asid_xa}): private
 * domains draw ASIDs here, shared CDs claim the process's, and a claim that meets a private domain seizes the
 * ASID from it. Every CD write that names a private ASID happens under the same lock ({@link #locked}), so an
 * ASID is never installed for two owners.
 */
final class AsidSpace {
    private static final Logger log = LoggerFactory.getLogger(AsidSpace.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final AsidMap map;
    private final Cmdq cmdq;
    private final TlbInvalidator tlbi;
    private final DriverEvents events;

    AsidSpace(int asidBits, Cmdq cmdq, TlbInvalidator tlbi, DriverEvents events) {
        this.map = new AsidMap(asidBits);
        this.cmdq = cmdq;
        this.tlbi = tlbi;
        this.events = events;
    }

    <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    void locked(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock (see {@link #locked}). */
    int allocPrivate(PrivateDomain d) {
        return map.allocPrivate(d);
    }

    /** Under the lock. */
    void freePrivate(PrivateDomain d) {
        map.freePrivate(d.asid, d);
    }

    /** One more shared CD with {@code asid} for the mm at {@code pgd}, seizing it from a private domain first. */
    void share(int asid, long pgd) {
        locked(() -> {
            PrivateDomain owner = map.privateOwner(asid);
            if (owner != null) {
                seize(owner, asid);
            }
            map.share(asid, pgd);
        });
    }

    void unshare(int asid) {
        locked(() -> map.unshare(asid));
    }

    /**
     * {@code arm_smmu_share_asid}: gives the private domain a fresh ASID, rewrites its live CDs (word 0 only),
     * and invalidates the old ASID, so that nothing the SMMU cached for the domain answers to the process's
     * ASID afterwards. Under the lock.
     */
    private void seize(PrivateDomain d, int asid) {
        int fresh = map.allocPrivate(d);
        synchronized (d) {
            List<Command> cfgi = new ArrayList<>();
            for (Master m : d.masters) {
                Cd cd = m.cdTable.read(0);
                m.cdTable.rewriteWord0(0, Cd.ASID.with(cd.word(0), fresh));
                cfgi.add(m.cdTable.cfgi(0));
            }
            d.asid = fresh;
            // CFGI; SYNC; TLBI of the old ASID; SYNC: a TLBI completing before the CFGI could be followed by a
            // refill under the old ASID from the still-cached CD.
            cmdq.issueStages(List.of(cfgi, List.of(tlbi.asid(asid))));
        }
        map.freePrivate(asid, d);
        log.info("seized ASID {} from domain {} (now ASID {})", asid, d.id, fresh);
        events.emit("ASID_SEIZED", null, null, null, null, "domain " + d.id + " moved from ASID " + asid + " to " + fresh);
    }
}
