package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;

import org.svafabric.api.bits.Field;

/**
 * CMD_SYNC(ComplSignal, MSIAddress, MSIData, MSIWriteAttributes): completes once every earlier command of
 * the queue has, including the endpoints' completions of earlier CMD_ATC_INVs (IHI 0070 §4.7.3; Linux
 * {@code CMDQ_SYNC_*}). CS 0b11 is Reserved: CERROR_ILL.
 */
public record CmdSync(ComplSignal cs, int msh, int msiAttr, int msiData, long msiAddr) implements Command {

    public static final Field CS = Field.bits("CS", 0, 13, 12);
    public static final Field MSH = Field.bits("MSH", 0, 23, 22);
    public static final Field MSI_ATTR = Field.bits("MSIAttr", 0, 27, 24);
    public static final Field MSI_DATA = Field.bits("MSIData", 0, 63, 32);
    public static final Field MSI_ADDR = Field.bits("MSIAddress", 1, 51, 2);
    public static final int CS_RESERVED = 0b11;

    static final long[] LAYOUT = CommandFields.layout(OPCODE, CS, MSH, MSI_ATTR, MSI_DATA, MSI_ADDR);

    /** How the completion is signalled besides CONS moving past the command. */
    public enum ComplSignal {
        /** Polled: only CONS tells. */
        SIG_NONE,
        /** An interrupt: the MSI write of MSIData to MSIAddress (if non-zero) and the wired CMD_SYNC IRQ. */
        SIG_IRQ,
        /** A WFE wake-up event, when IDR0.SEV is set. */
        SIG_SEV
    }

    /** A polled CMD_SYNC. */
    public static CmdSync polled() {
        return new CmdSync(ComplSignal.SIG_NONE, 0, 0, 0, 0);
    }

    /** MSH: inner shareable ({@code ARM_SMMU_SH_ISH}). */
    public static final int MSH_ISH = 0b11;
    /** MSIAttr: Normal, inner and outer write-back cacheable ({@code ARM_SMMU_MEMATTR_OIWB}). */
    public static final int MSI_ATTR_OIWB = 0xf;

    /**
     * The CMD_SYNC Linux builds ({@code arm_smmu_cmdq_build_sync_cmd}): with an MSI address, CS = IRQ and the
     * MSI write of {@code msiData}; without, CS = SEV for the polling waiter's WFE. Either way MSH = inner
     * shareable and MSIAttr = write-back, the attributes of the coherent RAM word the MSI lands in.
     */
    public static CmdSync linux(long msiAddr, int msiData) {
        return msiAddr != 0
                ? new CmdSync(ComplSignal.SIG_IRQ, MSH_ISH, MSI_ATTR_OIWB, msiData, msiAddr)
                : new CmdSync(ComplSignal.SIG_SEV, MSH_ISH, MSI_ATTR_OIWB, 0, 0);
    }

    /** A CMD_SYNC that writes {@code msiData} to {@code msiAddr} on completion, as Linux's MSI polling does. */
    public static CmdSync msi(long msiAddr, int msiData) {
        return new CmdSync(ComplSignal.SIG_IRQ, 0, 0, msiData, msiAddr);
    }

    @Override
    public Opcode opcode() {
        return Opcode.CMD_SYNC;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        CS.set(w, cs.ordinal());
        MSH.set(w, msh);
        MSI_ATTR.set(w, msiAttr);
        MSI_DATA.set(w, Integer.toUnsignedLong(msiData));
        MSI_ADDR.setAddress(w, msiAddr);
        return w;
    }

    /** Decodes an entry whose CS is not the Reserved 0b11 (the decoder checks that first). */
    public static CmdSync decode(long[] w) {
        return new CmdSync(ComplSignal.values()[(int) CS.get(w)], (int) MSH.get(w), (int) MSI_ATTR.get(w),
                (int) MSI_DATA.get(w), MSI_ADDR.getAddress(w));
    }
}
