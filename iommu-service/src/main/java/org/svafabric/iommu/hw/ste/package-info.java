/**
 * Stream table entries (the layout is {@link org.svafabric.iommu.hw.layout.Ste}): the ILLEGAL rules
 * ({@link org.svafabric.iommu.hw.ste.SteCheck}) and the lookup of a StreamID in a linear or 2-level stream table
 * in RAM.
 */
package org.svafabric.iommu.hw.ste;
