/**
 * TLB maintenance and the IOTLB: what an invalidation covers ({@link org.svafabric.iommu.hw.tlb.TlbInvalidation},
 * {@link org.svafabric.iommu.hw.tlb.InvalidationScope}), the set-associative
 * {@link org.svafabric.iommu.hw.tlb.Iotlb}, the {@link org.svafabric.iommu.hw.tlb.InvalidationEpoch} that keeps
 * racing fills out, and {@link org.svafabric.iommu.hw.tlb.InFlightTransactions}, which makes an invalidation wait
 * for accesses that may have used the old translation.
 */
package org.svafabric.iommu.hw.tlb;
