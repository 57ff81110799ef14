package org.svafabric.iommu.hw.queue;

import static org.svafabric.iommu.hw.layout.QueueRegisters.BASE_ADDR;
import static org.svafabric.iommu.hw.layout.QueueRegisters.BASE_LOG2SIZE;
import static org.svafabric.iommu.hw.layout.QueueRegisters.BASE_RWA;

/**
 * The value of a CMDQ_BASE, EVENTQ_BASE or PRIQ_BASE register.
 *
 * @param addr     ADDR[51:5] in place
 * @param log2Size LOG2SIZE: the queue holds 2^log2Size entries
 * @param rwa      the read/write-allocate hint
 */
public record QueueBase(long addr, int log2Size, boolean rwa) {

    public static QueueBase decode(long register) {
        return new QueueBase(BASE_ADDR.getAddress(register), (int) BASE_LOG2SIZE.get(register), BASE_RWA.isSet(register));
    }

    public long encode() {
        long r = BASE_ADDR.withAddress(0, addr);
        r = BASE_LOG2SIZE.with(r, log2Size);
        return BASE_RWA.with(r, rwa);
    }

    /**
     * LOG2SIZE as the SMMU uses it: "capped at" the IDR1 maximum for this queue (CMDQS, EVENTQS or PRIQS),
     * whatever software wrote (IHI 0070 §6.3, LOG2SIZE).
     */
    public int effectiveLog2Size(int idrMax) {
        return Math.min(log2Size, idrMax);
    }

    /**
     * The base the SMMU uses: "aligned by the SMMU to the larger of the queue size in bytes or 32 bytes,
     * ignoring the least-significant bits of ADDR as required" (IHI 0070 §6.3, *_BASE.ADDR).
     */
    public long effectiveAddr(int idrMax, int entryBytes) {
        long bytes = Math.max((long) entryBytes << effectiveLog2Size(idrMax), 32);
        return addr & ~(bytes - 1);
    }
}
