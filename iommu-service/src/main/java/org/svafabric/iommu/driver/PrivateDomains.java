package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.hw.cmd.Command;
import org.svafabric.iommu.hw.layout.Cd;

/**
 * Private (non-SVA) DMA domains (Linux's DMA/UNMANAGED {@code arm_smmu_domain}): each with its io-pgtable in RAM
 * and an ASID from the SMMU's space, installed at SSID 0 of its masters. Lock order: the ASID lock, then the
 * domain's monitor, then the master's.
 */
final class PrivateDomains {
    private final MemoryBus bus;
    private final String owner;
    private final Cmdq cmdq;
    private final TlbInvalidator tlbi;
    private final AsidSpace asids;
    private final InvalidationLog invalidations;
    /** IPS of private CDs: the SMMU's output size, capped at the 48 bits the io-pgtable produces. */
    private final int ipsBits;
    /** CD.S of private CDs: only where the stall model forces it (classical DMA does not fault). */
    private final boolean forcedStall;
    private final Map<Long, PrivateDomain> domains = new ConcurrentHashMap<>();
    private final AtomicLong nextId;

    PrivateDomains(MemoryBus bus, String owner, AtomicLong ids, Cmdq cmdq, TlbInvalidator tlbi, AsidSpace asids, InvalidationLog invalidations,
                   int ipsBits, boolean forcedStall) {
        this.bus = bus;
        this.owner = owner;
        this.nextId = ids;
        this.cmdq = cmdq;
        this.tlbi = tlbi;
        this.asids = asids;
        this.invalidations = invalidations;
        this.ipsBits = ipsBits;
        this.forcedStall = forcedStall;
    }

    PrivateDomain create() {
        PrivateDomain d = new PrivateDomain(nextId.getAndIncrement(), new IoPgtable(bus, owner));
        try {
            asids.locked(() -> {
                d.asid = asids.allocPrivate(d);
            });
        } catch (RuntimeException e) {
            d.pgtable.free();
            throw e;
        }
        domains.put(d.id, d);
        return d;
    }

    Optional<PrivateDomain> get(long id) {
        return Optional.ofNullable(domains.get(id));
    }

    Collection<PrivateDomain> all() {
        return List.copyOf(domains.values());
    }

    int asidOf(PrivateDomain d) {
        return asids.locked(() -> d.asid);
    }

    /** The master's CD 0 becomes the domain's context, so its traffic without PASID uses the domain. */
    void attach(PrivateDomain d, Master m) {
        asids.locked(() -> {
            synchronized (d) {
                synchronized (m) {
                    if (m.domain == d) {
                        return;
                    }
                    if (m.domain != null) {
                        throw new ErrnoException(Errno.EBUSY, "device-attached", m.id() + " is attached to domain "
                                + m.domain.id + "; detach it first");
                    }
                }
                Cd cd = CdBuilder.valid(
                        new CdBuilder.AddressSpace(d.pgtable.pgd(), d.asid, d.pgtable.t0sz(), ipsBits),
                        new CdBuilder.Options(false, false, forcedStall, false));
                m.cdTable.install(0, cd);
                d.masters.add(m);
                synchronized (m) {
                    m.domain = d;
                }
            }
        });
    }

    /** CD 0 cleared, CFGI, SYNC, TLBI of the domain's ASID, SYNC, ATC_INV without PASID, SYNC. */
    void detach(PrivateDomain d, Master m) {
        asids.locked(() -> {
            synchronized (d) {
                if (!d.masters.contains(m)) {
                    throw new ErrnoException(Errno.EINVAL, "device-not-attached", m.id() + " is not attached to domain " + d.id);
                }
                m.cdTable.clear(0);
                // Each invalidation completes (SYNC) before the one that depends on it is issued (IHI 0070 §4.5.1).
                cmdq.issueStages(List.of(List.of(m.cdTable.cfgi(0)), List.of(tlbi.asid(d.asid)),
                        m.atsEnabled() ? List.of(TlbInvalidator.atcInv(m.sid(), false, 0, 0, 0)) : List.<Command>of()));
                d.masters.remove(m);
                synchronized (m) {
                    m.domain = null;
                }
            }
        });
    }

    /** iommu_map: no invalidation needed, nothing can be cached for an unmapped IOVA. */
    void map(PrivateDomain d, long iova, List<Long> pages, boolean read, boolean write) {
        synchronized (d) {
            d.pgtable.map(iova, pages, read, write);
        }
    }

    /**
     * iommu_unmap: clears the leaves, then TLBI of the range by the domain's ASID and ATC_INV for each attached
     * master with ATS after a CMD_SYNC, then CMD_SYNC; returns the bytes unmapped once nothing can use them.
     */
    long unmap(PrivateDomain d, long iova, long size) {
        return asids.locked(() -> {
            synchronized (d) {
                long unmapped = d.pgtable.unmap(iova, size);
                if (unmapped == 0) {
                    return 0L;
                }
                List<Command> tlb = new ArrayList<>(tlbi.range(d.asid, iova, iova + unmapped, true));
                List<Command> atc = new ArrayList<>();
                for (Master m : d.masters) {
                    if (m.atsEnabled()) {
                        atc.add(TlbInvalidator.atcInv(m.sid(), false, 0, iova, iova + unmapped));
                    }
                }
                cmdq.issueStages(List.of(tlb, atc)); // TLBI; SYNC; ATC_INV; SYNC (IHI 0070 §4.5.1)
                invalidations.issued(ArmSmmuV3.concat(tlb, atc), d.masters.size() == 1 ? d.masters.iterator().next() : null, null);
                return unmapped;
            }
        });
    }

    /** A domain with no masters: TLBI of its ASID, then its page table and ASID go. */
    void free(PrivateDomain d) {
        asids.locked(() -> {
            synchronized (d) {
                if (!d.masters.isEmpty()) {
                    throw new ErrnoException(Errno.EBUSY, "domain-in-use", "domain " + d.id + " still has devices attached");
                }
                if (domains.remove(d.id) == null) {
                    return;
                }
                cmdq.issueSync(List.of(tlbi.asid(d.asid)));
                d.pgtable.free();
                asids.freePrivate(d);
            }
        });
    }

    long iovaToPhys(PrivateDomain d, long iova) {
        synchronized (d) {
            return d.pgtable.iovaToPhys(iova);
        }
    }
}
