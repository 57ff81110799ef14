/**
 * Stream table entries: field layout ({@link org.svafabric.iommu.hw.ste.Ste}), the entry as a record with its
 * encoding, the ILLEGAL rules ({@link org.svafabric.iommu.hw.ste.SteCheck}), and the lookup of a StreamID in
 * a linear or 2-level stream table in RAM.
 */
package org.svafabric.iommu.hw.ste;
