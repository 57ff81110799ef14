/**
 * The I/O page-fault handler (io-pgfault.c): one {@link org.svafabric.iommu.core.iopf.IopfQueue} per SMMU
 * groups page requests by device and PRG index, services each group on a bounded pool of workers through
 * the device's {@link org.svafabric.iommu.core.iopf.IopfHandler} (for SVA,
 * {@link org.svafabric.iommu.core.iopf.MmFaultHandler}: iommu_sva_find, then mm-service's handle_mm_fault),
 * and sends exactly one response per group through the driver: CMD_PRI_RESP, or CMD_RESUME for a stall.
 * The fault path reads like io-pgfault.c (report, queue, handle group, respond) and holds no telemetry: it
 * fires the tracepoints of {@link org.svafabric.iommu.core.iopf.IopfListener}, which the configuration hangs
 * meters ({@code sva.iopf.*}) and the event log on (package {@code telemetry}).
 */
package org.svafabric.iommu.core.iopf;
