/** The port for untranslated DMA: translate page by page, access the memory bus, stall or terminate on faults. */
package org.svafabric.iommu.hw.port;
