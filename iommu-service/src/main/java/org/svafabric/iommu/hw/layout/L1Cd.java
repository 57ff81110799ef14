package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** The level-1 Context Descriptor of a 2-level CD table (IHI 0070 §5.3; Linux {@code CTXDESC_L1_DESC_*}). */
public final class L1Cd {
    private L1Cd() {
    }

    public static final int SIZE = 8;
    public static final Field V = Field.bit("V", 0, 0);
    /** L2Ptr [55:12]: the level-2 CD table, 4 KiB aligned. */
    public static final Field L2PTR = Field.bits("L2Ptr", 0, 55, 12);

    public static long encode(long l2Ptr) {
        return V.with(L2PTR.withAddress(0, l2Ptr), true);
    }
}
