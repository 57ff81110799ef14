package org.svafabric.iommu.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.MmNotifierCallbackApi;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.port.MmFaultResult;
import org.svafabric.iommu.core.port.MmPort;
import org.svafabric.iommu.core.port.NotifierSubscription;
import org.svafabric.iommu.core.port.ProcessInfo;
import org.svafabric.api.wire.ProcessState;

/**
 * The core's {@link MmPort} over mm-service's internal API. The MMU notifier is registered with a callback
 * URL under this service ({@link MmNotifierCallbackApi}), asking for broadcast TLB maintenance when
 * the driver runs with BTM, so that mm-service sends the CPU's TLBIs before each invalidate_range.
 */
public final class RestMmPort implements MmPort {
    private final MmApi mm;
    private final String notifierBase;
    private final BooleanSupplier btm;

    /**
     * @param notifierBase this service's base URL as mm-service reaches it
     * @param btm          whether the driver wants the CPU's broadcast TLBIs (asked when subscribing)
     */
    public RestMmPort(MmApi mm, String notifierBase, BooleanSupplier btm) {
        this.mm = mm;
        this.notifierBase = notifierBase.endsWith("/") ? notifierBase.substring(0, notifierBase.length() - 1) : notifierBase;
        this.btm = btm;
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        MmViews.Process p;
        try {
            p = mm.get(pid);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new ProcessInfo(p.pid(), p.pgd() == null ? 0 : p.pgd().value(),
                p.asid() == null ? 0 : p.asid(), state(p.state())));
    }

    /** LOST (mm-service restarted under a live process) is an exited mm: its RAM is gone. */
    static ProcessInfo.State state(ProcessState s) {
        return switch (s) {
            case RUNNING -> ProcessInfo.State.RUNNING;
            case EXITING -> ProcessInfo.State.EXITING;
            case EXITED, LOST -> ProcessInfo.State.EXITED;
        };
    }

    @Override
    public int pinAsid(long pid) {
        return mm.pinAsid(pid).asid();
    }

    @Override
    public void unpinAsid(long pid) {
        mm.unpinAsid(pid);
    }

    @Override
    public NotifierSubscription subscribe(long pid) {
        return subscription(pid, mm.subscribe(pid, subscribeBody(pid)).getBody());
    }

    @Override
    public void unsubscribe(long pid, long subscriptionId) {
        mm.unsubscribe(pid, subscriptionId);
    }

    /** One call: mm-service checks that the process runs, pins its ASID and registers the notifier. */
    @Override
    public NotifierSubscription pinAndSubscribe(long pid) {
        return subscription(pid, mm.subscribePinned(pid, subscribeBody(pid)).getBody());
    }

    /** One call: mm-service unregisters the notifier and drops the pin (ENOENT when the notifier was gone, unpinned all the same). */
    @Override
    public void unsubscribeAndUnpin(long pid, long subscriptionId) {
        mm.unsubscribePinned(pid, subscriptionId);
    }

    private static NotifierSubscription subscription(long pid, MmViews.Subscription s) {
        if (s == null) {
            throw new ErrnoException(Errno.EIO, "bad-notifier-answer", "mm-service subscribed the notifier of process " + pid + " without saying to what");
        }
        return new NotifierSubscription(s.id(), s.pgd().value(), s.asid());
    }

    private MmRequests.Subscribe subscribeBody(long pid) {
        return new MmRequests.Subscribe(notifierBase + MmNotifierCallbackApi.BASE + pid, btm.getAsBoolean());
    }

    @Override
    public List<MmFaultResult> handleMmFault(long pid, List<MmFault> faults) {
        List<MmRequests.Fault> wire = new ArrayList<>(faults.size());
        for (MmFault f : faults) {
            wire.add(new MmRequests.Fault(Addr.of(f.addr()), f.access().name().toLowerCase(Locale.ROOT), f.privileged()));
        }
        MmViews.FaultResults r = mm.fault(pid, new MmRequests.Faults(wire));
        if (r == null || r.results() == null || r.results().size() != faults.size()) {
            throw new ErrnoException(Errno.EIO, "bad-fault-answer", "mm-service answered " + faults.size()
                    + " faults with " + (r == null || r.results() == null ? 0 : r.results().size()) + " results");
        }
        List<MmFaultResult> out = new ArrayList<>(faults.size());
        for (int i = 0; i < faults.size(); i++) {
            MmViews.FaultResult x = r.results().get(i);
            long addr = faults.get(i).addr();
            out.add(x.ok() ? MmFaultResult.success(addr, x.kind())
                    : MmFaultResult.failure(addr, (x.errno() == null ? "" : x.errno() + ": ") + (x.reason() == null ? "refused" : x.reason())));
        }
        return out;
    }
}
