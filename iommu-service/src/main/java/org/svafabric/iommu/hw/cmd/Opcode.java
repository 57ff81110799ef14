package org.svafabric.iommu.hw.cmd;

/**
 * Command opcodes, bits [7:0] of every command (IHI 0070 §4.1.1; the same values as Linux
 * {@code CMDQ_OP_*} and QEMU {@code SMMUCommandType}). Every architected opcode is listed, including those
 * this SMMU rejects with CERROR_ILL (stage 2, EL3, Secure, VMS and DPT maintenance); reserved values have
 * no constant and are CERROR_ILL too.
 */
public enum Opcode {
    CMD_PREFETCH_CONFIG(0x01),
    CMD_PREFETCH_ADDR(0x02),
    CMD_CFGI_STE(0x03),
    /** Also CMD_CFGI_ALL, which is CMD_CFGI_STE_RANGE with Range = 31. */
    CMD_CFGI_STE_RANGE(0x04),
    CMD_CFGI_CD(0x05),
    CMD_CFGI_CD_ALL(0x06),
    CMD_CFGI_VMS_PIDM(0x07),
    CMD_TLBI_NH_ALL(0x10),
    CMD_TLBI_NH_ASID(0x11),
    CMD_TLBI_NH_VA(0x12),
    CMD_TLBI_NH_VAA(0x13),
    CMD_TLBI_EL3_ALL(0x18),
    CMD_TLBI_EL3_VA(0x1a),
    CMD_TLBI_EL2_ALL(0x20),
    CMD_TLBI_EL2_ASID(0x21),
    CMD_TLBI_EL2_VA(0x22),
    CMD_TLBI_EL2_VAA(0x23),
    CMD_TLBI_S12_VMALL(0x28),
    CMD_TLBI_S2_IPA(0x2a),
    CMD_TLBI_NSNH_ALL(0x30),
    CMD_ATC_INV(0x40),
    CMD_PRI_RESP(0x41),
    CMD_RESUME(0x44),
    CMD_STALL_TERM(0x45),
    CMD_SYNC(0x46),
    CMD_TLBI_S_EL2_ALL(0x50),
    CMD_TLBI_S_EL2_ASID(0x51),
    CMD_TLBI_S_EL2_VA(0x52),
    CMD_TLBI_S_EL2_VAA(0x53),
    CMD_TLBI_S_S12_VMALL(0x58),
    CMD_TLBI_S_S2_IPA(0x5a),
    CMD_TLBI_SNH_ALL(0x60),
    CMD_DPTI_ALL(0x70),
    CMD_DPTI_PA(0x73);

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The opcode with this 8-bit value, or null for a Reserved (or IMPLEMENTATION DEFINED) value. */
    public static Opcode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
