/**
 * Queues in RAM with the architecture's index-plus-wrap pointers ({@link org.svafabric.iommu.hw.queue.RamRing}),
 * the output-queue mechanics shared by the event and PRI queues, the event queue itself, GERROR/GERRORN,
 * and the ports the queues talk through: {@link org.svafabric.iommu.hw.queue.Irq} towards the driver and a
 * {@link org.svafabric.iommu.hw.queue.Scheduler} for timeouts.
 */
package org.svafabric.iommu.hw.queue;
