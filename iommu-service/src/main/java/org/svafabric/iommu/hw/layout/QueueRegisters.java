package org.svafabric.iommu.hw.layout;

import org.svafabric.api.bits.Field;

/**
 * Bit fields of the queue registers (Linux {@code arm-smmu-v3.h}: {@code Q_BASE_*}, {@code Q_OVERFLOW_FLAG},
 * {@code CMDQ_CONS_ERR}; IHI 0070 §6.3 SMMU_CMDQ_BASE/PROD/CONS and the EVENTQ/PRIQ equivalents).
 * PROD and CONS are 32-bit registers; their WR/RD field holds the entry index in bits [LOG2SIZE-1:0] and
 * the wrap flag at bit [LOG2SIZE] (see {@link RamRing}).
 */
public final class QueueRegisters {
    private QueueRegisters() {
    }

    /** *_BASE.RWA [62]: read/write-allocate hint (no effect in the model). */
    public static final Field BASE_RWA = Field.bit("RWA", 0, 62);
    /** *_BASE.ADDR [51:5]: PA of the queue, in place. */
    public static final Field BASE_ADDR = Field.bits("ADDR", 0, 51, 5);
    /** *_BASE.LOG2SIZE [4:0]: log2 of the number of entries. */
    public static final Field BASE_LOG2SIZE = Field.bits("LOG2SIZE", 0, 4, 0);

    /** PROD.WR / CONS.RD [19:0]: index and wrap flag (at most 19 index bits: queues hold up to 2^19 entries). */
    public static final Field INDEX = Field.bits("WR_RD", 0, 19, 0);
    /** EVENTQ/PRIQ PROD.OVFLG [31] and CONS.OVACKFLG [31]: the overflow condition is present while they differ. */
    public static final Field OVERFLOW = Field.bit("OVFLG", 0, 31);
    /** CMDQ_CONS.ERR [30:24]: the CERROR code of the command at RD, written before GERROR.CMDQ_ERR is raised. */
    public static final Field CMDQ_CONS_ERR = Field.bits("ERR", 0, 30, 24);

    /** Largest LOG2SIZE any queue may have (IHI 0070: the PRI and command queues hold at most 2^19 entries). */
    public static final int MAX_LOG2SIZE = 19;
}
