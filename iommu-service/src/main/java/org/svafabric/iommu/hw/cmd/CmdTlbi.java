package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;

import java.util.EnumSet;
import java.util.Set;

import org.svafabric.api.bits.Field;

/**
 * Every CMD_TLBI_* form, which share one layout (IHI 0070 §4.4; Linux {@code CMDQ_TLBI_*}): NUM [16:12],
 * SCALE [24:20] (bit 25 is RES0 without IDR5.DS), VMID [47:32], ASID [63:48]; Leaf [64], TTL [73:72],
 * TG [75:74], Address [127:76] (VA[63:12]). Each opcode uses a subset: ALL forms none but VMID, ASID forms
 * the ASID, VA forms the address, the leaf flag and — with IDR3.RIL — the range (TG != 0: (NUM+1) × 2^SCALE
 * granules of TG from Address) and the TTL level hint.
 */
public record CmdTlbi(Opcode op, int vmid, int asid, long addr, boolean leaf, int ttl, int tg, int num, int scale)
        implements Command {

    public static final Field NUM = Field.bits("NUM", 0, 16, 12);
    public static final Field SCALE = Field.bits("SCALE", 0, 24, 20);
    public static final Field VMID = Field.bits("VMID", 0, 47, 32);
    public static final Field ASID = Field.bits("ASID", 0, 63, 48);
    public static final Field LEAF = Field.bit("Leaf", 1, 0);
    public static final Field TTL = Field.bits("TTL", 1, 9, 8);
    public static final Field TG = Field.bits("TG", 1, 11, 10);
    public static final Field ADDR = Field.bits("Address", 1, 63, 12);

    /**
     * The fields each form defines (IHI 0070 §4.4); every other bit is RES0. The VA forms carry the range
     * and level hint; VAA forms have no ASID; the EL2 forms have no VMID; the ALL forms only the VMID (NH_ALL,
     * S12_VMALL) or nothing (EL2_ALL, EL3_ALL, NSNH_ALL).
     */
    private static final long[] VA_LAYOUT = CommandFields.layout(OPCODE, NUM, SCALE, VMID, ASID, LEAF, TTL, TG, ADDR);
    private static final long[] VAA_LAYOUT = CommandFields.layout(OPCODE, NUM, SCALE, VMID, LEAF, TTL, TG, ADDR);
    private static final long[] EL2_VA_LAYOUT = CommandFields.layout(OPCODE, NUM, SCALE, ASID, LEAF, TTL, TG, ADDR);
    private static final long[] EL2_VAA_LAYOUT = CommandFields.layout(OPCODE, NUM, SCALE, LEAF, TTL, TG, ADDR);
    private static final long[] ASID_LAYOUT = CommandFields.layout(OPCODE, VMID, ASID);
    private static final long[] EL2_ASID_LAYOUT = CommandFields.layout(OPCODE, ASID);
    private static final long[] VMID_LAYOUT = CommandFields.layout(OPCODE, VMID);
    private static final long[] NONE_LAYOUT = CommandFields.layout(OPCODE);

    static long[] layout(Opcode op) {
        switch (op) {
            case CMD_TLBI_NH_VA:
                return VA_LAYOUT;
            case CMD_TLBI_NH_VAA:
            case CMD_TLBI_S2_IPA:
                return VAA_LAYOUT;
            case CMD_TLBI_EL2_VA:
            case CMD_TLBI_EL3_VA:
                return EL2_VA_LAYOUT;
            case CMD_TLBI_EL2_VAA:
                return EL2_VAA_LAYOUT;
            case CMD_TLBI_NH_ASID:
                return ASID_LAYOUT;
            case CMD_TLBI_EL2_ASID:
                return EL2_ASID_LAYOUT;
            case CMD_TLBI_NH_ALL:
            case CMD_TLBI_S12_VMALL:
                return VMID_LAYOUT;
            default:
                return NONE_LAYOUT;
        }
    }

    /** Whether the form addresses a VA (or IPA) and so may use the range and TTL fields. */
    public boolean addressed() {
        return switch (op) {
            case CMD_TLBI_NH_VA, CMD_TLBI_NH_VAA, CMD_TLBI_EL2_VA, CMD_TLBI_EL2_VAA, CMD_TLBI_EL3_VA, CMD_TLBI_S2_IPA -> true;
            default -> false;
        };
    }

    /** TG != 0 with NUM = 0, SCALE = 0 and TTL = 0: Reserved (IHI 0070 §4.4.1.1). */
    public boolean reservedRange() {
        return tg != 0 && num == 0 && scale == 0 && ttl == 0;
    }

    /** The opcodes this record represents. */
    public static final Set<Opcode> OPCODES = EnumSet.of(Opcode.CMD_TLBI_NH_ALL, Opcode.CMD_TLBI_NH_ASID,
            Opcode.CMD_TLBI_NH_VA, Opcode.CMD_TLBI_NH_VAA, Opcode.CMD_TLBI_EL3_ALL, Opcode.CMD_TLBI_EL3_VA,
            Opcode.CMD_TLBI_EL2_ALL, Opcode.CMD_TLBI_EL2_ASID, Opcode.CMD_TLBI_EL2_VA, Opcode.CMD_TLBI_EL2_VAA,
            Opcode.CMD_TLBI_S12_VMALL, Opcode.CMD_TLBI_S2_IPA, Opcode.CMD_TLBI_NSNH_ALL);

    public CmdTlbi {
        if (!OPCODES.contains(op)) {
            throw new IllegalArgumentException(op + " is not a TLB invalidation");
        }
    }

    public static CmdTlbi nhAll() {
        return new CmdTlbi(Opcode.CMD_TLBI_NH_ALL, 0, 0, 0, false, 0, 0, 0, 0);
    }

    public static CmdTlbi nhAsid(int asid) {
        return new CmdTlbi(Opcode.CMD_TLBI_NH_ASID, 0, asid, 0, false, 0, 0, 0, 0);
    }

    public static CmdTlbi nhVa(int asid, long va, boolean leaf) {
        return new CmdTlbi(Opcode.CMD_TLBI_NH_VA, 0, asid, va, leaf, 0, 0, 0, 0);
    }

    /** NH_VA range form: (num + 1) × 2^scale granules of {@code tg} (1: 4 KiB, 2: 16 KiB, 3: 64 KiB) from {@code va}. */
    public static CmdTlbi nhVaRange(int asid, long va, boolean leaf, int tg, int ttl, int num, int scale) {
        return new CmdTlbi(Opcode.CMD_TLBI_NH_VA, 0, asid, va, leaf, ttl, tg, num, scale);
    }

    public static CmdTlbi nsnhAll() {
        return new CmdTlbi(Opcode.CMD_TLBI_NSNH_ALL, 0, 0, 0, false, 0, 0, 0, 0);
    }

    @Override
    public Opcode opcode() {
        return op;
    }

    /** Whether any field of the range/level-hint extension (IDR3.RIL) is in use. */
    public boolean usesRangeFields() {
        return tg != 0 || ttl != 0 || num != 0 || scale != 0;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(op);
        NUM.set(w, num);
        SCALE.set(w, scale);
        VMID.set(w, vmid);
        ASID.set(w, asid);
        LEAF.set(w, leaf);
        TTL.set(w, ttl);
        TG.set(w, tg);
        ADDR.setAddress(w, addr);
        return w;
    }

    public static CmdTlbi decode(Opcode op, long[] w) {
        return new CmdTlbi(op, (int) VMID.get(w), (int) ASID.get(w), ADDR.getAddress(w), LEAF.isSet(w),
                (int) TTL.get(w), (int) TG.get(w), (int) NUM.get(w), (int) SCALE.get(w));
    }
}
