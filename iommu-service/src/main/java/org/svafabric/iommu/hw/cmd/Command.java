package org.svafabric.iommu.hw.cmd;

/**
 * One 16-byte command-queue entry, decoded. Each form is a record that holds its own fields as
 * {@link org.svafabric.api.bits.Field} constants and encodes itself; {@link CommandDecoder} turns queue
 * entries back into records.
 */
public sealed interface Command permits CmdPrefetchConfig, CmdPrefetchAddr, CmdCfgiSte, CmdCfgiSteRange, CmdCfgiCd,
        CmdCfgiCdAll, CmdTlbi, CmdAtcInv, CmdPriResp, CmdResume, CmdStallTerm, CmdSync {

    Opcode opcode();

    /** The two little-endian doublewords of the queue entry. */
    long[] encode();
}
