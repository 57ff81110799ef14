package org.svafabric.iommu.driver;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A private (non-SVA) DMA domain (Linux {@code arm_smmu_domain} of type DMA/UNMANAGED): its own io-pgtable
 * and an ASID from the SMMU's space, installed at SSID 0 of every attached master. Its ASID may change when a
 * process that owns the same ASID is bound (seizing), so it is read under the driver's ASID lock.
 */
public final class PrivateDomain {
    final long id;
    final IoPgtable pgtable;
    /** Guarded by the driver's ASID lock. */
    int asid;
    /** Guarded by this domain's monitor, which also serialises map and unmap. */
    final Set<Master> masters = new LinkedHashSet<>();

    PrivateDomain(long id, IoPgtable pgtable) {
        this.id = id;
        this.pgtable = pgtable;
    }

    public long id() {
        return id;
    }

    /** The devices attached now. */
    public synchronized List<String> deviceIds() {
        return masters.stream().map(Master::id).toList();
    }
}
