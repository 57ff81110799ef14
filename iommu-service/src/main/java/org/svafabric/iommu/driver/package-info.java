/**
 * The arm-smmu-v3 driver, as Linux's {@code drivers/iommu/arm/arm-smmu-v3} with the 2018 SVA series: it
 * reaches the SMMU only through its register frame ({@link org.svafabric.iommu.driver.Mmio}), tables and
 * queues it allocates in RAM over the memory bus, and the command queue.
 *
 * <ul>
 * <li>Probe ({@link org.svafabric.iommu.driver.ArmSmmuV3#probe}): ID registers decoded into
 * {@link org.svafabric.iommu.driver.SmmuFeatures}; the SVA verdict with a reason per requirement
 * ({@link org.svafabric.iommu.driver.SvaGate}); reset programs CR1/CR2, the stream table, the queues, invalidates
 * everything, then enables.</li>
 * <li>Tables: {@link org.svafabric.iommu.driver.StrtabCfg} (linear, or 2-level with SPLIT 8) and one
 * {@link org.svafabric.iommu.driver.CtxDescCfg} per master (linear up to 1024 contexts, 2-level with 64 KiB
 * leaves beyond), written in the order the architecture needs and followed by CMD_CFGI_* and CMD_SYNC. The
 * driver decides the values ({@link org.svafabric.iommu.driver.SteBuilder}, {@link org.svafabric.iommu.driver.CdBuilder},
 * as {@code arm_smmu_write_strtab_ent} and {@code arm_smmu_write_ctx_desc} do); every bit position — STE, CD,
 * level-1 descriptors, registers, queue entries — comes from the one layout in {@code hw.layout}, and commands
 * from their encoders in {@code hw.cmd}.</li>
 * <li>Contexts: SSID 0 holds a private domain ({@link org.svafabric.iommu.driver.PrivateDomain} with its
 * {@link org.svafabric.iommu.driver.IoPgtable}); SSIDs from 1 hold shared CDs (TTB0 = the process's pgd, its
 * pinned ASID). The ASID space ({@code AsidMap}) is shared with the CPU's, so a process ASID held by a private
 * domain is seized.</li>
 * <li>Invalidation ({@link org.svafabric.iommu.driver.TlbInvalidator}): per page, RIL ranges, or by ASID above a
 * threshold; EL2 forms under VHE; no TLBI for shared ASIDs with BTM; ATC_INV with naturally aligned spans.</li>
 * <li>Queues: the command queue producer ({@code Cmdq}, CMD_SYNC completion by MSI to a RAM word or by CONS),
 * the event and PRI queue consumers on their interrupt threads, the GERROR handler.</li>
 * </ul>
 */
package org.svafabric.iommu.driver;
