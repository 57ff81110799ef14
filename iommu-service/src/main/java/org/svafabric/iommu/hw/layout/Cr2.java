package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_CR2 fields (IHI 0070 §6.3.12). Read-only while SMMUEN is 1. */
public final class Cr2 {
    private Cr2() {
    }

    /** E2H: STE.STRW = 0b10 selects the EL2-E2H regime (with ASIDs) instead of EL2. */
    public static final Field E2H = Field.bit("E2H", 0, 0);
    /** RECINVSID: record C_BAD_STREAMID for out-of-range StreamIDs. */
    public static final Field RECINVSID = Field.bit("RECINVSID", 0, 1);
    /** PTM: private TLB maintenance; the SMMU ignores broadcast TLBIs (only with IDR0.BTM). */
    public static final Field PTM = Field.bit("PTM", 0, 2);
    /** REC_CFG_ATS: record configuration errors met by ATS Translation Requests (with IDR0.ATSRECERR). */
    public static final Field REC_CFG_ATS = Field.bit("REC_CFG_ATS", 0, 3);

    public static final long IMPLEMENTED = E2H.mask() | RECINVSID.mask() | PTM.mask() | REC_CFG_ATS.mask();
}
