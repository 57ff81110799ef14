package org.svafabric.device.iommu;

import org.svafabric.api.timing.DmaEvent;

/**
 * How the SMMU finished an untranslated transaction, with what its translations cost the SMMU and what
 * handle_mm_fault took for its stalls (both for the job's model clock; none when the SMMU did not tell).
 */
public sealed interface TransactionOutcome {

    int stalls();

    DmaEvent.SmmuWork smmu();

    DmaEvent.FaultKinds faultKinds();

    /**
     * The transaction completed (reads: {@code data}), possibly after {@code stalls} stalls that
     * software resolved with CMD_RESUME Retry.
     */
    record Completed(byte[] data, int stalls, DmaEvent.SmmuWork smmu, DmaEvent.FaultKinds faultKinds) implements TransactionOutcome {
        public Completed {
            smmu = smmu == null ? DmaEvent.SmmuWork.NONE : smmu;
            faultKinds = faultKinds == null ? DmaEvent.FaultKinds.NONE : faultKinds;
        }

        public Completed(byte[] data, int stalls) {
            this(data, stalls, null, null);
        }
    }

    /**
     * The SMMU terminated the transaction (or software aborted the stall): {@code event} is the
     * SMMU event (F_TRANSLATION, F_PERMISSION, C_BAD_SUBSTREAMID, ...) at {@code addr}.
     */
    record Terminated(String event, long addr, int stalls, DmaEvent.SmmuWork smmu, DmaEvent.FaultKinds faultKinds)
            implements TransactionOutcome {
        public Terminated {
            smmu = smmu == null ? DmaEvent.SmmuWork.NONE : smmu;
            faultKinds = faultKinds == null ? DmaEvent.FaultKinds.NONE : faultKinds;
        }

        public Terminated(String event, long addr, int stalls) {
            this(event, addr, stalls, null, null);
        }
    }
}
