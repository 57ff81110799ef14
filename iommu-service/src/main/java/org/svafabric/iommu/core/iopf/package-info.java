/**
 * The I/O page-fault handler (io-pgfault.c): one {@link org.svafabric.iommu.core.iopf.IopfQueue} per SMMU
 * groups page requests by device and PRG index, services each group on a bounded pool of workers through
 * the device's {@link org.svafabric.iommu.core.iopf.IopfHandler} (for SVA,
 * {@link org.svafabric.iommu.core.iopf.MmFaultHandler}: iommu_sva_find, then mm-service's handle_mm_fault),
 * and sends exactly one response per group through the driver: CMD_PRI_RESP, or CMD_RESUME for a stall.
 * The fault path never touches a database; it reports to the non-blocking event-log port and to Micrometer
 * ({@code sva.iopf.*}).
 */
package org.svafabric.iommu.core.iopf;
