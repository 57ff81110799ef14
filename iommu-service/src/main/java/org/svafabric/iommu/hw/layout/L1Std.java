package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/**
 * The level-1 Stream Table Descriptor of a 2-level stream table (IHI 0070 §5.1; Linux {@code STRTAB_L1_DESC_*}):
 * Span [4:0] (0 = invalid; 1-11 = a level-2 array of 2^(Span-1) STEs; 12-31 reserved, behaving as 0) and
 * L2Ptr [55:6].
 */
public final class L1Std {
    private L1Std() {
    }

    public static final int SIZE = 8;
    public static final Field SPAN = Field.bits("Span", 0, 4, 0);
    public static final Field L2PTR = Field.bits("L2Ptr", 0, 55, 6);
    public static final int MAX_SPAN = 11;

    public static long encode(int span, long l2Ptr) {
        return L2PTR.withAddress(SPAN.with(0, span), l2Ptr);
    }

    /** STEs in the level-2 array, 0 when the descriptor is invalid. */
    public static long steCount(long desc) {
        int span = (int) SPAN.get(desc);
        return span == 0 || span > MAX_SPAN ? 0 : 1L << (span - 1);
    }
}
