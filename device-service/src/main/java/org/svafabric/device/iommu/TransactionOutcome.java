package org.svafabric.device.iommu;

/** How the SMMU finished an untranslated transaction. */
public sealed interface TransactionOutcome {

    /**
     * The transaction completed (reads: {@code data}), possibly after {@code stalls} stalls that
     * software resolved with CMD_RESUME Retry.
     */
    record Completed(byte[] data, int stalls) implements TransactionOutcome {
    }

    /**
     * The SMMU terminated the transaction (or software aborted the stall): {@code event} is the
     * SMMU event (F_TRANSLATION, F_PERMISSION, C_BAD_SUBSTREAMID, ...) at {@code addr}.
     */
    record Terminated(String event, long addr, int stalls) implements TransactionOutcome {
    }
}
