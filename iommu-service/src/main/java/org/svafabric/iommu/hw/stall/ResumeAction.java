package org.svafabric.iommu.hw.stall;

/**
 * What CMD_RESUME does with a stalled transaction (IHI 0070 §4.7.1): its Action bit Ac (bit 12) retries,
 * otherwise the transaction is terminated, with an abort when Ab (bit 13) is set and with RAZ/WI semantics
 * when it is clear. Linux writes the two bits as one field, {@code CMDQ_RESUME_0_RESP[13:12]}:
 * TERM = 0, RETRY = 1, ABORT = 2, which are these constants' {@link #resp()} values.
 */
public enum ResumeAction {
    /** Ac = 0, Ab = 0: terminated, completing with reads as zero and writes ignored. */
    TERMINATE(0),
    /** Ac = 1: retried as though it had just arrived; Ab is IGNORED. */
    RETRY(1),
    /** Ac = 0, Ab = 1: terminated with an abort reported to the device. */
    ABORT(2);

    private final int resp;

    ResumeAction(int resp) {
        this.resp = resp;
    }

    /** The two-bit value {Ab, Ac} at bits [13:12] of the command. */
    public int resp() {
        return resp;
    }

    public static ResumeAction of(boolean ac, boolean ab) {
        if (ac) {
            return RETRY;
        }
        return ab ? ABORT : TERMINATE;
    }
}
