package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_CR0 and SMMU_CR0ACK fields (IHI 0070 §6.3.9-10; Linux {@code CR0_*}). */
public final class Cr0 {
    private Cr0() {
    }

    public static final Field SMMUEN = Field.bit("SMMUEN", 0, 0);
    public static final Field PRIQEN = Field.bit("PRIQEN", 0, 1);
    public static final Field EVTQEN = Field.bit("EVTQEN", 0, 2);
    public static final Field CMDQEN = Field.bit("CMDQEN", 0, 3);
    /** ATSCHK: ATS Translated traffic is checked against STE.EATS instead of passing unchecked. */
    public static final Field ATSCHK = Field.bit("ATSCHK", 0, 4);

    /** The bits the model implements; the rest of CR0 is RES0 and reads as zero. */
    public static final long IMPLEMENTED = SMMUEN.mask() | PRIQEN.mask() | EVTQEN.mask() | CMDQEN.mask() | ATSCHK.mask();
}
