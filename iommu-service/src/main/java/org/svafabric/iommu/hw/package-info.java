/**
 * The Arm SMMUv3 model. {@link org.svafabric.iommu.hw.SmmuV3} is the translation side's facade: registers,
 * configuration cache, IOTLB, walk cache and stage-1 walker over RAM, and the
 * {@link org.svafabric.iommu.hw.cmd.CommandTarget} the command queue calls.
 *
 * <p>Wiring one SMMU ({@link org.svafabric.iommu.hw.SmmuAssembly} does the queue side; the service the rest):
 * <ul>
 * <li>{@code new SmmuV3(SmmuConfig.from(topology.smmu()), memoryBus)};</li>
 * <li>the queue side's registers through {@code smmu.registers()}: {@code onWrite(CMDQ_PROD, ...)},
 *     {@code onRead(CMDQ_CONS, ...)}, likewise EVTQ/PRIQ PROD/CONS and *_BASE, {@code onRead(GERROR,
 *     globalErrors::gerror)}, {@code onWrite(GERRORN, v -> globalErrors.writeGerrorn((int) v))}, and
 *     {@code onCr0Change} for CMDQEN/EVTQEN/PRIQEN;</li>
 * <li>the command queue's {@code CommandTarget} is the {@code SmmuV3}; the PRI queue's
 *     {@link org.svafabric.iommu.hw.pri.PparLookup} is the {@code SmmuV3} too;</li>
 * <li>devices: {@link org.svafabric.iommu.hw.ats.AtsService} for ATS Translation Requests and
 *     {@link org.svafabric.iommu.hw.port.UntranslatedPort} (with the stall table as
 *     {@link org.svafabric.iommu.hw.stall.StallHold}) for untranslated DMA, both recording into the event
 *     queue's {@link org.svafabric.iommu.hw.event.EventSink};</li>
 * <li>broadcast TLBIs from the CPU (BTM) to {@link org.svafabric.iommu.hw.SmmuV3#broadcastTlbi}.</li>
 * </ul>
 * Metrics: {@code streamStats()}, {@code tlbStats()}, {@code configCacheStats()}, {@code walkCacheStats()}.
 */
package org.svafabric.iommu.hw;
