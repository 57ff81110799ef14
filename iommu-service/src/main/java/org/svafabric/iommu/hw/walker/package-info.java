/**
 * Stage-1 translation: the table walk over RAM ({@link org.svafabric.iommu.hw.walker.PageTableWalker}), the walk
 * cache, permissions ({@link org.svafabric.iommu.hw.walker.Perm}), and
 * {@link org.svafabric.iommu.hw.walker.Stage1Translator}, which adds the IOTLB, the Access flag and dirty state
 * (HTTU by compare-and-swap) and the fault order.
 */
package org.svafabric.iommu.hw.walker;
