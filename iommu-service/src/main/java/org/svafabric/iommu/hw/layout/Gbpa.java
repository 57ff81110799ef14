package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/**
 * SMMU_GBPA fields (IHI 0070 §6.3.14): what happens to transactions while SMMUEN is 0. Software writes the
 * new value with UPDATE = 1; the SMMU applies it and clears UPDATE (Linux {@code arm_smmu_update_gbpa}
 * polls for that).
 */
public final class Gbpa {
    private Gbpa() {
    }

    /** ABORT: transactions are terminated with an abort (1) or bypass the SMMU (0). No event either way. */
    public static final Field ABORT = Field.bit("ABORT", 0, 20);
    public static final Field UPDATE = Field.bit("UPDATE", 0, 31);
}
