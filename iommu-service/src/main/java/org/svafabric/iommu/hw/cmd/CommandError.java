package org.svafabric.iommu.hw.cmd;

/**
 * CMDQ_CONS.ERR codes (IHI 0070 §7.1; Linux {@code CMDQ_ERR_CERROR_*_IDX}, QEMU {@code SMMUCmdError}).
 */
public enum CommandError {
    /** No error; never reported by the SMMU, defined for completeness. */
    CERROR_NONE(0x00),
    /** Unknown opcode, a feature the SMMU lacks, a Reserved field set or an invalid value. */
    CERROR_ILL(0x01),
    /** External abort on the command fetch. */
    CERROR_ABT(0x02),
    /** A CMD_SYNC failed to complete earlier CMD_ATC_INVs: ATS Invalidation Completion timeout. */
    CERROR_ATC_INV_SYNC(0x03);

    private final int code;

    CommandError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CommandError ofCode(int code) {
        for (CommandError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("CERROR 0x" + Integer.toHexString(code));
    }
}
