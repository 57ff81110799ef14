/**
 * Every bit layout of the SMMUv3 programming interface, declared once as {@link org.svafabric.api.bits.Field}
 * constants (QEMU's {@code FIELD()} way, Linux's {@code arm-smmu-v3.h} names): the STE ({@link
 * org.svafabric.iommu.hw.layout.Ste}, §5.2) and CD ({@link org.svafabric.iommu.hw.layout.Cd}, §5.4) as word
 * values whose fields are read and replaced through those constants, the level-1 descriptors ({@link
 * org.svafabric.iommu.hw.layout.L1Std}, {@link org.svafabric.iommu.hw.layout.L1Cd}), the register map ({@link
 * org.svafabric.iommu.hw.layout.SmmuReg}) and register fields (IDR0/1/3/5, CR0/1/2, GBPA, IRQ_CTRL, GERROR,
 * STRTAB_BASE, the queue registers), and the event record. Command layouts live beside their encoders in
 * {@code hw.cmd}, once per command. The model decodes with these; the driver encodes with the same ones.
 */
package org.svafabric.iommu.hw.layout;
