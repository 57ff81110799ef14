package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/** SMMU_IDR1 fields (IHI 0070 §6.3.2; Linux {@code IDR1_*}). Queue sizes are log2 of the maximum entries. */
public final class Idr1 {
    private Idr1() {
    }

    public static final Field SIDSIZE = Field.bits("SIDSIZE", 0, 5, 0);
    public static final Field SSIDSIZE = Field.bits("SSIDSIZE", 0, 10, 6);
    public static final Field PRIQS = Field.bits("PRIQS", 0, 15, 11);
    public static final Field EVTQS = Field.bits("EVTQS", 0, 20, 16);
    public static final Field CMDQS = Field.bits("CMDQS", 0, 25, 21);
    /** REL: base addresses in the *_BASE registers are absolute (0), the only mode modelled. */
    public static final Field REL = Field.bit("REL", 0, 28);
    public static final Field QUEUES_PRESET = Field.bit("QUEUES_PRESET", 0, 29);
    public static final Field TABLES_PRESET = Field.bit("TABLES_PRESET", 0, 30);
}
