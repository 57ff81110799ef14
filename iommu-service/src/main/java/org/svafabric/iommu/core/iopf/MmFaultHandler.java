package org.svafabric.iommu.core.iopf;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.svafabric.api.timing.DmaEvent.FaultKinds;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.port.MmFaultResult;
import org.svafabric.iommu.core.port.MmPort;

/**
 * The SVA fault handler (v1 iommu_fault_handle_single, applied to a whole group): each fault is checked in
 * order, and errors are sticky, so nothing after the first failure is looked at:
 * <ol>
 * <li>no PASID: INVALID;</li>
 * <li>a stop marker: it ends the group with SUCCESS and gets no response (safe because the PASID's faults were flushed when mm_exit
 *     returned and every queue is flushed again before the PASID is freed);</li>
 * <li>iommu_sva_find knows no live process for the PASID: INVALID;</li>
 * <li>mm-service's handle_mm_fault (VMA and read/write/exec/privileged checks, then page-in) refuses it:
 *     INVALID;</li>
 * <li>otherwise SUCCESS.</li>
 * </ol>
 * Consecutive faults with the same PASID go to mm-service as one call. mm-service services every page of
 * the call, so pages after a refused one in the same call may have been made resident although the group is
 * answered INVALID (v1 stopped at the refused page; the response is the same). The handler never answers
 * FAILURE. What each handle_mm_fault took (minor, major, swap-in) is noted for the group's answer to carry
 * ({@link FaultKindNotes}) before the handler returns, so before the answer is sent.
 */
public final class MmFaultHandler implements IopfHandler {
    private final PasidLookup lookup;
    private final MmPort mm;
    private final FaultKindNotes notes;

    public MmFaultHandler(PasidLookup lookup, MmPort mm) {
        this(lookup, mm, new FaultKindNotes());
    }

    public MmFaultHandler(PasidLookup lookup, MmPort mm, FaultKindNotes notes) {
        this.lookup = lookup;
        this.mm = mm;
        this.notes = notes;
    }

    @Override
    public PrgResponseCode handle(IopfGroup group) {
        FaultKinds[] kinds = {FaultKinds.NONE};
        PrgResponseCode status = handle(group, kinds);
        IopfFault last = group.last();
        String device = group.device().id();
        if (last.kind() == IopfFault.Kind.STALL) {
            notes.noteStall(device, last.addr() & ~0xfffL, kinds[0]);
        } else if (!last.isStopMarker()) {
            notes.noteGroup(device, last.prgIndex(), kinds[0]);
        }
        return status;
    }

    private PrgResponseCode handle(IopfGroup group, FaultKinds[] kinds) {
        List<IopfFault> faults = group.faults();
        int i = 0;
        while (i < faults.size()) {
            IopfFault f = faults.get(i);
            if (!f.pasidValid()) {
                return PrgResponseCode.INVALID;
            }
            if (f.isStopMarker()) {
                return PrgResponseCode.SUCCESS;
            }
            if (!asksForAccess(f)) {
                // A partial request with neither read, write nor execute: nothing handle_mm_fault could grant.
                return PrgResponseCode.INVALID;
            }
            int end = endOfRun(faults, i);
            OptionalLong pid = lookup.find(f.pasid());
            if (pid.isEmpty() || !resolve(pid.getAsLong(), faults.subList(i, end), kinds)) {
                return PrgResponseCode.INVALID;
            }
            i = end;
        }
        return PrgResponseCode.SUCCESS;
    }

    /** The faults from {@code start} that can share one handle_mm_fault call: same PASID, each asking for access. */
    private static int endOfRun(List<IopfFault> faults, int start) {
        int pasid = faults.get(start).pasid();
        int end = start + 1;
        while (end < faults.size()) {
            IopfFault f = faults.get(end);
            if (!f.pasidValid() || f.pasid() != pasid || !asksForAccess(f)) {
                break;
            }
            end++;
        }
        return end;
    }

    private static boolean asksForAccess(IopfFault f) {
        return f.read() || f.write() || f.exec();
    }

    private boolean resolve(long pid, List<IopfFault> run, FaultKinds[] kinds) {
        List<MmFault> calls = new ArrayList<>();
        for (IopfFault f : run) {
            addAccesses(f, calls);
        }
        List<MmFaultResult> results = mm.handleMmFault(pid, calls);
        if (results.size() != calls.size()) {
            throw new IllegalStateException("handle_mm_fault answered " + results.size() + " of " + calls.size() + " faults");
        }
        boolean ok = true;
        for (MmFaultResult r : results) {
            kinds[0] = kinds[0].plus(kindOf(r));
            ok &= r.ok();
        }
        return ok;
    }

    private static FaultKinds kindOf(MmFaultResult r) {
        if (r.kind() == null) {
            return FaultKinds.NONE;
        }
        return switch (r.kind()) {
            case MmFaultResult.MINOR -> new FaultKinds(1, 0, 0);
            case MmFaultResult.MAJOR -> new FaultKinds(0, 1, 0);
            case MmFaultResult.SWAP_IN -> new FaultKinds(0, 0, 1);
            default -> FaultKinds.NONE;
        };
    }

    /**
     * What handle_mm_fault must grant for one request: a write (which on arm64 implies read), or a read; and
     * an instruction fetch on top when the request asked for execute.
     */
    private static void addAccesses(IopfFault f, List<MmFault> out) {
        if (f.write()) {
            out.add(new MmFault(f.addr(), MmFault.Access.WRITE, f.priv()));
        } else if (f.read()) {
            out.add(new MmFault(f.addr(), MmFault.Access.READ, f.priv()));
        }
        if (f.exec()) {
            out.add(new MmFault(f.addr(), MmFault.Access.EXEC, f.priv()));
        }
    }
}
