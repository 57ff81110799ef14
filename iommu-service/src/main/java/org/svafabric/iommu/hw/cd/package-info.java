/**
 * Context descriptors (the layout is {@link org.svafabric.iommu.hw.layout.Cd}): the ILLEGAL rules
 * ({@link org.svafabric.iommu.hw.cd.CdCheck}) and the lookup of a SubstreamID in a CD table (single, linear,
 * 2-level with 4 KiB or 64 KiB leaves).
 */
package org.svafabric.iommu.hw.cd;
