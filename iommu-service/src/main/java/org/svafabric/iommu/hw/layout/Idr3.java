package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_IDR3 fields (IHI 0070 §6.3.4; Linux {@code IDR3_RIL}). */
public final class Idr3 {
    private Idr3() {
    }

    /** RIL: range-based TLB invalidation (TLBI commands with TG/NUM/SCALE). */
    public static final Field RIL = Field.bit("RIL", 0, 10);
}
