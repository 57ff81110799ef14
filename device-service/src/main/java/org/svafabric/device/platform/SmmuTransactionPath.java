package org.svafabric.device.platform;

import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.device.engine.DmaFault;
import org.svafabric.device.engine.DmaPath;
import org.svafabric.device.engine.Job;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.iommu.Transaction;
import org.svafabric.device.iommu.TransactionOutcome;

/**
 * DMA as untranslated transactions through the SMMU's transaction port: the path of a platform
 * device (with or without stall) and of a PCIe function that does not use ATS. The SMMU
 * translates and performs the access; a fault either terminates the transaction or, with stall
 * enabled, holds it until software sends CMD_RESUME (Retry: it completes; Abort: it fails).
 * One transaction per job segment. What the SMMU reports doing for it (translations, stalls and the
 * faults behind them) and the bytes it moved are recorded for the job's model clock.
 */
public final class SmmuTransactionPath implements DmaPath {
    private final int sid;
    private final IommuPort port;
    private final StallListener trace;

    public SmmuTransactionPath(int sid, IommuPort port, StallListener trace) {
        this.sid = sid;
        this.port = port;
        this.trace = trace;
    }

    @Override
    public byte[] read(Job job, long addr, int length) {
        return complete(job, addr, length, port.transact(sid, job.pasid(), Transaction.read(addr, length))).data();
    }

    @Override
    public void write(Job job, long addr, byte[] data) {
        complete(job, addr, data.length, port.transact(sid, job.pasid(), Transaction.write(addr, data)));
    }

    private TransactionOutcome.Completed complete(Job job, long addr, int length, TransactionOutcome outcome) {
        record(job, addr, length, outcome);
        if (outcome instanceof TransactionOutcome.Completed c) {
            count(job, c.stalls());
            return c;
        }
        TransactionOutcome.Terminated t = (TransactionOutcome.Terminated) outcome;
        count(job, t.stalls());
        if (t.stalls() > 0) {
            throw DmaFault.stallAborted(t.addr(), "stalled transaction aborted by the SMMU: " + t.event() + " at " + Addr.hex(t.addr()),
                    t.event());
        }
        throw new DmaFault(t.addr(), "transaction terminated by the SMMU: " + t.event() + " at " + Addr.hex(t.addr()), t.event());
    }

    /**
     * The stalls first (the transaction waited for them before its pages were done), then the
     * translations, then the bytes; a transaction the SMMU terminated moved none that the device waits for.
     */
    private static void record(Job job, long addr, int length, TransactionOutcome o) {
        for (int i = 0; i < o.stalls(); i++) {
            // The kinds come for the whole transaction; the first stall carries them (the sum is what is priced).
            job.recorder().record(new DmaEvent.Stall(i == 0 ? o.faultKinds() : DmaEvent.FaultKinds.NONE));
        }
        int pages = (int) (((addr + length - 1) >>> 12) - (addr >>> 12) + 1);
        job.recorder().record(new DmaEvent.Untranslated(pages, o.smmu()));
        if (o instanceof TransactionOutcome.Completed) {
            job.recorder().record(new DmaEvent.Transfer(length));
        }
    }

    private void count(Job job, int stalls) {
        if (stalls > 0) {
            job.faults().countStalls(stalls);
            trace.stalled(stalls);
        }
    }
}
