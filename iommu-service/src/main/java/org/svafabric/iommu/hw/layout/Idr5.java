package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_IDR5 fields (IHI 0070 §6.3.6; Linux {@code IDR5_*}). */
public final class Idr5 {
    private Idr5() {
    }

    /** OAS[2:0]: 0..6 = 32, 36, 40, 42, 44, 48, 52 bits. */
    public static final Field OAS = Field.bits("OAS", 0, 2, 0);
    public static final Field GRAN4K = Field.bit("GRAN4K", 0, 4);
    public static final Field GRAN16K = Field.bit("GRAN16K", 0, 5);
    public static final Field GRAN64K = Field.bit("GRAN64K", 0, 6);
    /** VAX[11:10]: 0 = 48-bit VAs. */
    public static final Field VAX = Field.bits("VAX", 0, 11, 10);
    public static final Field STALL_MAX = Field.bits("STALL_MAX", 0, 31, 16);

    /** Address sizes of the IDR5.OAS and CD.IPS (TCR.IPS) encodings, index = encoding. */
    private static final int[] ADDRESS_SIZES = {32, 36, 40, 42, 44, 48, 52};

    /** IDR5.OAS / CD.IPS encoding of {@code bits}, -1 when there is none. */
    public static int oasEncoding(int bits) {
        for (int i = 0; i < ADDRESS_SIZES.length; i++) {
            if (ADDRESS_SIZES[i] == bits) {
                return i;
            }
        }
        return -1;
    }

    /** Bits of an address size encoding (IDR5.OAS, CD.IPS); reserved values above 52 bits are capped, as the model has no 56-bit PAs. */
    public static int addressBits(int encoding) {
        return ADDRESS_SIZES[Math.min(encoding, ADDRESS_SIZES.length - 1)];
    }
}
