/**
 * The SMMUv3 command queue, SMMU side: the commands as records with their bit layouts
 * ({@link org.svafabric.iommu.hw.cmd.Command}), the decoder that decides CERROR_ILL, the dispatcher
 * that carries commands out, and {@link org.svafabric.iommu.hw.cmd.CommandQueue}, the consumer.
 *
 * <p>Wiring (one SMMU): a {@link org.svafabric.iommu.hw.queue.GlobalErrors} shared by all queues; an
 * {@link org.svafabric.iommu.hw.cmd.AtcInvalidationTracker} shared by the dispatcher and the queue;
 * {@code CommandQueue.configure/setEnabled/writeProd/readCons} behind CMDQ_BASE, CR0.CMDQEN, CMDQ_PROD
 * and CMDQ_CONS; {@code GlobalErrors.writeGerrorn} behind GERRORN, which restarts a stopped queue.
 */
package org.svafabric.iommu.hw.cmd;
