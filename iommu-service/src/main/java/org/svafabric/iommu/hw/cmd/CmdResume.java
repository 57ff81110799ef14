package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.cmd.CommandFields.OPCODE;
import static org.svafabric.iommu.hw.cmd.CommandFields.STREAM_ID;

import org.svafabric.api.bits.Field;
import org.svafabric.iommu.hw.stall.ResumeAction;

/**
 * CMD_RESUME(StreamID, STAG, Action, Abort): retries or terminates one stalled transaction (IHI 0070 §4.7.1).
 * Ac [12] and Ab [13] are QEMU's {@code CMD_RESUME_AC}/{@code _AB}; Linux writes them together as
 * {@code CMDQ_RESUME_0_RESP [13:12]}. STAG [79:64] is Linux {@code CMDQ_RESUME_1_STAG}.
 */
public record CmdResume(int sid, int stag, ResumeAction action) implements Command {

    public static final Field AC = Field.bit("Ac", 0, 12);
    public static final Field AB = Field.bit("Ab", 0, 13);
    public static final Field STAG = Field.bits("STAG", 1, 15, 0);

    static final long[] LAYOUT = CommandFields.layout(OPCODE, AC, AB, STREAM_ID, STAG);

    @Override
    public Opcode opcode() {
        return Opcode.CMD_RESUME;
    }

    @Override
    public long[] encode() {
        long[] w = CommandFields.start(opcode());
        AC.set(w, action == ResumeAction.RETRY);
        AB.set(w, action == ResumeAction.ABORT);
        STREAM_ID.set(w, Integer.toUnsignedLong(sid));
        STAG.set(w, stag);
        return w;
    }

    public static CmdResume decode(long[] w) {
        return new CmdResume((int) STREAM_ID.get(w), (int) STAG.get(w), ResumeAction.of(AC.isSet(w), AB.isSet(w)));
    }
}
