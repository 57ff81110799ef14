package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/**
 * SMMU_GERROR and SMMU_GERRORN fields (IHI 0070 §6.3.17-18; Linux {@code GERROR_*}): an error is active while
 * its bit differs between the two registers.
 */
public final class Gerror {
    private Gerror() {
    }

    public static final Field CMDQ_ERR = Field.bit("CMDQ_ERR", 0, 0);
    public static final Field EVTQ_ABT_ERR = Field.bit("EVENTQ_ABT_ERR", 0, 2);
    public static final Field PRIQ_ABT_ERR = Field.bit("PRIQ_ABT_ERR", 0, 3);
    public static final Field MSI_CMDQ_ABT_ERR = Field.bit("MSI_CMDQ_ABT_ERR", 0, 4);
}
