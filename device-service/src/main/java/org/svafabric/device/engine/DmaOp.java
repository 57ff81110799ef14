package org.svafabric.device.engine;

import java.util.Locale;

/** What a job asks the DMA engine to do: the SMMUv3 TestEngine's operations, plus a fill. */
public enum DmaOp {
    /** Copy {@code length} bytes from {@code src} to {@code dst}. */
    MEMCPY(true, true),
    /** Fill {@code dst} with the byte {@code value}. */
    MEMSET(false, true),
    /** Fill {@code dst} with the lrand48 family's stream from {@code seed} (see {@link Rand48}). */
    RAND48(false, true),
    /** Sum the 64-bit little-endian words of {@code src}; {@code length} is a multiple of 8. */
    SUM64(true, false),
    /** Compare {@code src} with {@code dst}: equal, or the first differing offset. */
    COMPARE(true, true);

    private final boolean needsSrc;
    private final boolean needsDst;

    DmaOp(boolean needsSrc, boolean needsDst) {
        this.needsSrc = needsSrc;
        this.needsDst = needsDst;
    }

    public boolean needsSrc() {
        return needsSrc;
    }

    public boolean needsDst() {
        return needsDst;
    }

    /** The op as the API spells it: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "memcpy" etc.; null when there is no such op. */
    public static DmaOp parse(String op) {
        if (op == null) {
            return null;
        }
        for (DmaOp o : values()) {
            if (o.wireName().equals(op.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        return null;
    }
}
