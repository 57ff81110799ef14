package org.svafabric.iommu.hw.cmd;

/**
 * Turns a 16-byte command-queue entry into a {@link Command}, or into the reason it is CERROR_ILL
 * (IHI 0070 §4.1.3, §7.1): a Reserved opcode; an opcode "irrelevant to an implementation without certain
 * feature or Security state" (stage 2, EL2 without HYP, EL3 and Secure forms, VMS, DPT, ATC_INV without
 * ATS, PRI_RESP without PRI, RESUME/STALL_TERM without the stall model); SSec = 1 on the Non-secure queue;
 * a Reserved field set (this SMMU checks every RES0 bit, which §4.1.5 permits); or an ILLEGAL value:
 * CMD_SYNC CS = 0b11, CMD_PRI_RESP Resp = 0b11, TLBI range and TTL fields without IDR3.RIL, TG != 0 with NUM = SCALE = TTL = 0 and TG = 16 KiB
 * with TTL = 1 (Reserved, the latter without IDR5.DS, §4.4.1.1); the RES0 fields of each TLBI form separately, and CMD_ATC_INV Size above 52 (permitted to be ILLEGAL).
 */
public final class CommandDecoder {
    private final CommandFeatures features;

    public CommandDecoder(CommandFeatures features) {
        this.features = features;
    }

    public Decoded decode(long[] w) {
        int code = (int) CommandFields.OPCODE.get(w);
        Opcode op = Opcode.ofCode(code);
        if (op == null) {
            return illegal("Reserved opcode 0x%02x", code);
        }
        if (CommandFields.SSEC.isSet(w)) {
            return illegal("%s with SSec = 1 on the Non-secure Command queue", op);
        }
        String missing = missingFeature(op);
        if (missing != null) {
            return illegal("%s on an SMMU without %s", op, missing);
        }
        long[] layout = layout(op);
        if (CommandFields.hasReservedBits(w, layout)) {
            return illegal("%s with Reserved bits set: 0x%016x 0x%016x", op, w[0] & ~layout[0], w[1] & ~layout[1]);
        }
        return decodeFields(op, w);
    }

    /** The feature whose absence makes {@code op} unknown to this SMMU, or null. */
    private String missingFeature(Opcode op) {
        switch (op) {
            case CMD_CFGI_VMS_PIDM:
                return "MPAM (VMS)";
            case CMD_TLBI_S12_VMALL:
            case CMD_TLBI_S2_IPA:
                return "stage 2 translation (IDR0.S2P)";
            case CMD_TLBI_EL3_ALL:
            case CMD_TLBI_EL3_VA:
            case CMD_TLBI_S_EL2_ALL:
            case CMD_TLBI_S_EL2_ASID:
            case CMD_TLBI_S_EL2_VA:
            case CMD_TLBI_S_EL2_VAA:
            case CMD_TLBI_S_S12_VMALL:
            case CMD_TLBI_S_S2_IPA:
            case CMD_TLBI_SNH_ALL:
                return "Secure state (a Secure command on the Non-secure Command queue)";
            case CMD_DPTI_ALL:
            case CMD_DPTI_PA:
                return "DPT (IDR3.DPT)";
            case CMD_TLBI_EL2_ALL:
            case CMD_TLBI_EL2_ASID:
            case CMD_TLBI_EL2_VA:
            case CMD_TLBI_EL2_VAA:
                return features.hyp() ? null : "EL2 (IDR0.HYP)";
            case CMD_ATC_INV:
                return features.ats() ? null : "ATS (IDR0.ATS)";
            case CMD_PRI_RESP:
                return features.pri() ? null : "PRI (IDR0.PRI)";
            case CMD_RESUME:
            case CMD_STALL_TERM:
                return features.stall() ? null : "the stall model (IDR0.STALL_MODEL = 0b01)";
            default:
                return null;
        }
    }

    private static long[] layout(Opcode op) {
        switch (op) {
            case CMD_PREFETCH_CONFIG:
                return CmdPrefetchConfig.LAYOUT;
            case CMD_PREFETCH_ADDR:
                return CmdPrefetchAddr.LAYOUT;
            case CMD_CFGI_STE:
                return CmdCfgiSte.LAYOUT;
            case CMD_CFGI_STE_RANGE:
                return CmdCfgiSteRange.LAYOUT;
            case CMD_CFGI_CD:
                return CmdCfgiCd.LAYOUT;
            case CMD_CFGI_CD_ALL:
                return CmdCfgiCdAll.LAYOUT;
            case CMD_ATC_INV:
                return CmdAtcInv.LAYOUT;
            case CMD_PRI_RESP:
                return CmdPriResp.LAYOUT;
            case CMD_RESUME:
                return CmdResume.LAYOUT;
            case CMD_STALL_TERM:
                return CmdStallTerm.LAYOUT;
            case CMD_SYNC:
                return CmdSync.LAYOUT;
            default:
                return CmdTlbi.layout(op);
        }
    }

    private Decoded decodeFields(Opcode op, long[] w) {
        switch (op) {
            case CMD_PREFETCH_CONFIG:
                return valid(CmdPrefetchConfig.decode(w));
            case CMD_PREFETCH_ADDR:
                return valid(CmdPrefetchAddr.decode(w));
            case CMD_CFGI_STE:
                return valid(CmdCfgiSte.decode(w));
            case CMD_CFGI_STE_RANGE:
                return valid(CmdCfgiSteRange.decode(w));
            case CMD_CFGI_CD:
                return valid(CmdCfgiCd.decode(w));
            case CMD_CFGI_CD_ALL:
                return valid(CmdCfgiCdAll.decode(w));
            case CMD_ATC_INV:
                return decodeAtcInv(w);
            case CMD_PRI_RESP:
                return CmdPriResp.RESP.get(w) == CmdPriResp.RESP_ILLEGAL
                        ? illegal("CMD_PRI_RESP with Resp = 0b11") : valid(CmdPriResp.decode(w));
            case CMD_RESUME:
                return valid(CmdResume.decode(w));
            case CMD_STALL_TERM:
                return valid(CmdStallTerm.decode(w));
            case CMD_SYNC:
                return CmdSync.CS.get(w) == CmdSync.CS_RESERVED
                        ? illegal("CMD_SYNC with CS = 0b11") : valid(CmdSync.decode(w));
            default:
                return decodeTlbi(op, w);
        }
    }

    private static Decoded decodeAtcInv(long[] w) {
        CmdAtcInv c = CmdAtcInv.decode(w);
        return c.size() > CmdAtcInv.SIZE_ALL ? illegal("CMD_ATC_INV with Size = %d > 52", c.size()) : valid(c);
    }

    private Decoded decodeTlbi(Opcode op, long[] w) {
        CmdTlbi c = CmdTlbi.decode(op, w);
        if (c.usesRangeFields() && !features.ril()) {
            return illegal("%s with range or TTL fields on an SMMU without IDR3.RIL", op);
        }
        if (c.reservedRange()) {
            return illegal("%s with TG != 0, NUM = 0, SCALE = 0 and TTL = 0 (Reserved, §4.4.1.1)", op);
        }
        if (c.tg() == 0b10 && c.ttl() == 0b01) {
            return illegal("%s with TG = 16 KiB and TTL = 1 (Reserved without IDR5.DS)", op);
        }
        return valid(c);
    }

    private static Decoded valid(Command c) {
        return new Decoded.Valid(c);
    }

    private static Decoded illegal(String format, Object... args) {
        return new Decoded.Illegal(String.format(format, args));
    }
}
