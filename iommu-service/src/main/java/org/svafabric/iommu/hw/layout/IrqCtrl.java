package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_IRQ_CTRL and SMMU_IRQ_CTRLACK fields (IHI 0070 §6.3.16; Linux {@code IRQ_CTRL_*}): the wired-interrupt enables. */
public final class IrqCtrl {
    private IrqCtrl() {
    }

    public static final Field GERROR_IRQEN = Field.bit("GERROR_IRQEN", 0, 0);
    public static final Field PRIQ_IRQEN = Field.bit("PRIQ_IRQEN", 0, 1);
    public static final Field EVTQ_IRQEN = Field.bit("EVENTQ_IRQEN", 0, 2);
}
