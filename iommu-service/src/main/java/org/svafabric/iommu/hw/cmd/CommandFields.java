package org.svafabric.iommu.hw.cmd;

import org.svafabric.api.bits.Field;

/**
 * Fields at the same position in every command that has them (Linux: {@code CMDQ_0_OP}, {@code CMDQ_0_SSV},
 * and the {@code _0_SID}/{@code _0_SSID} of the CFGI, PREFETCH, ATC, PRI and RESUME forms), and the
 * reserved-field check: every bit a command does not define is RES0, and this SMMU takes the
 * architecture's option to treat a non-zero RES0 bit as a malformed command (IHI 0070 §4.1.5).
 */
public final class CommandFields {
    private CommandFields() {
    }

    public static final int BYTES = 16;
    public static final int DWORDS = 2;

    public static final Field OPCODE = Field.bits("Opcode", 0, 7, 0);
    /** SSec [10]: must be 0 on the Non-secure Command queue ("ILLEGAL, regardless of whether Secure state is supported"). */
    public static final Field SSEC = Field.bit("SSec", 0, 10);
    public static final Field SSV = Field.bit("SSV", 0, 11);
    public static final Field SUBSTREAM_ID = Field.bits("SubstreamID", 0, 31, 12);
    public static final Field STREAM_ID = Field.bits("StreamID", 0, 63, 32);

    /** The bits of each doubleword that the given fields cover. */
    public static long[] layout(Field... fields) {
        long[] mask = new long[DWORDS];
        for (Field f : fields) {
            mask[f.word()] |= f.mask();
        }
        return mask;
    }

    /** Whether {@code words} has a bit set outside {@code layout}. */
    public static boolean hasReservedBits(long[] words, long[] layout) {
        for (int i = 0; i < DWORDS; i++) {
            if ((words[i] & ~layout[i]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** A command's first doubleword with its opcode set. */
    static long[] start(Opcode op) {
        long[] w = new long[DWORDS];
        OPCODE.set(w, op.code());
        return w;
    }
}
