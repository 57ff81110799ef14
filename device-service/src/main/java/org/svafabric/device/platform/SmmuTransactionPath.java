package org.svafabric.device.platform;

import org.svafabric.api.json.Addr;
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
 * One transaction per job segment.
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
        return complete(job, port.transact(sid, job.pasid(), Transaction.read(addr, length))).data();
    }

    @Override
    public void write(Job job, long addr, byte[] data) {
        complete(job, port.transact(sid, job.pasid(), Transaction.write(addr, data)));
    }

    private TransactionOutcome.Completed complete(Job job, TransactionOutcome outcome) {
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

    private void count(Job job, int stalls) {
        if (stalls > 0) {
            job.faults().countStalls(stalls);
            trace.stalled(stalls);
        }
    }
}
