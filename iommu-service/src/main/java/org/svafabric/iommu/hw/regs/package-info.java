/**
 * The SMMU's register page: what the SMMU implements ({@link org.svafabric.iommu.hw.regs.SmmuConfig}), the ID
 * registers built from it, the fields of each register as {@link org.svafabric.api.bits.Field} constants, and
 * the {@link org.svafabric.iommu.hw.regs.RegisterFile} with the architecture's access rules (read-only ID
 * registers, CR0ACK, registers locked while SMMUEN is set, GBPA updates) and hooks for the registers other
 * parts own.
 */
package org.svafabric.iommu.hw.regs;
