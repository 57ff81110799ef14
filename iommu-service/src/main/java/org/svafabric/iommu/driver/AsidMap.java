package org.svafabric.iommu.driver;

import java.util.HashMap;
import java.util.Map;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * The SMMU's ASID space (Linux {@code arm_smmu_asid_xa}): who uses each ASID in a CD. Private domains draw
 * ASIDs from it; shared CDs carry the ASID the CPU's allocator gave the process, which the SMMU does not
 * choose. The two spaces are the same 16 (or 8) bits, so a process ASID can collide with a private one: the
 * driver then seizes it, moving the private domain elsewhere ({@code arm_smmu_share_asid}).
 *
 * <p>Not thread-safe: the driver calls it under its ASID lock (Linux {@code arm_smmu_asid_lock}), which it
 * also holds while it rewrites the CDs of a seized domain, so nobody sees the ASID owned twice.
 */
final class AsidMap {

    /** What holds an ASID. */
    sealed interface Holder permits PrivateHolder, SharedHolder {
    }

    /** A private domain's own ASID. */
    record PrivateHolder(PrivateDomain domain) implements Holder {
    }

    /**
     * A process's ASID in shared CDs, identified by the mm's page-table base (unique among live mms);
     * {@code refs} counts the shared CDs that carry it.
     */
    static final class SharedHolder implements Holder {
        final long mm;
        int refs;

        SharedHolder(long mm) {
            this.mm = mm;
        }
    }

    private final int maxAsid;
    private final Map<Integer, Holder> holders = new HashMap<>();

    /** @param asidBits 16 with IDR0.ASID16, else 8 */
    AsidMap(int asidBits) {
        this.maxAsid = (1 << asidBits) - 1;
    }

    int maxAsid() {
        return maxAsid;
    }

    /** The lowest free ASID for {@code domain}; ASID 0 stays unused, as Linux keeps it for the reserved context. */
    int allocPrivate(PrivateDomain domain) {
        for (int asid = 1; asid <= maxAsid; asid++) {
            if (!holders.containsKey(asid)) {
                holders.put(asid, new PrivateHolder(domain));
                return asid;
            }
        }
        throw new ErrnoException(Errno.ENOSPC, "asid-exhausted", "no free ASID among 1.." + maxAsid);
    }

    /** The private domain using {@code asid}, if that is who holds it. */
    PrivateDomain privateOwner(int asid) {
        return holders.get(asid) instanceof PrivateHolder p ? p.domain() : null;
    }

    /**
     * Records one more shared CD of {@code asid} for the mm whose pgd is {@code mm}. The caller has seized the
     * ASID from any private domain first. EEXIST when another mm's shared CD holds it: the CPU gives a pinned
     * ASID to one mm only, so this is a stale pin the driver must not paper over.
     */
    void share(int asid, long mm) {
        if (asid < 1 || asid > maxAsid) {
            throw new ErrnoException(Errno.ERANGE, "asid-out-of-range", "process ASID " + asid
                    + " does not fit the SMMU's " + Integer.bitCount(maxAsid) + "-bit ASIDs");
        }
        Holder h = holders.get(asid);
        if (h == null) {
            SharedHolder s = new SharedHolder(mm);
            s.refs = 1;
            holders.put(asid, s);
        } else if (h instanceof SharedHolder s && s.mm == mm) {
            s.refs++;
        } else if (h instanceof SharedHolder s) {
            throw new ErrnoException(Errno.EEXIST, "asid-in-use", "ASID " + asid + " is shared with the mm at pgd 0x"
                    + Long.toHexString(s.mm) + ", not 0x" + Long.toHexString(mm));
        } else {
            throw new IllegalStateException("ASID " + asid + " still belongs to a private domain: seize it first");
        }
    }

    /** Drops one shared CD of {@code asid}; the ASID is free again after the last. */
    void unshare(int asid) {
        if (holders.get(asid) instanceof SharedHolder s && --s.refs == 0) {
            holders.remove(asid);
        }
    }

    /** Frees a private domain's ASID. */
    void freePrivate(int asid, PrivateDomain domain) {
        if (holders.get(asid) instanceof PrivateHolder p && p.domain() == domain) {
            holders.remove(asid);
        }
    }

    int inUse() {
        return holders.size();
    }
}
