package org.svafabric.iommu.api.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.springframework.web.client.RestClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.port.MmFaultResult;
import org.svafabric.iommu.core.port.MmPort;
import org.svafabric.iommu.core.port.NotifierSubscription;
import org.svafabric.iommu.core.port.ProcessInfo;

/**
 * The core's {@link MmPort} over mm-service's internal API. The MMU notifier is registered with a callback
 * URL under this service ({@code /iommu/v1/mm-notifier/{pid}}), asking for broadcast TLB maintenance when
 * the driver runs with BTM, so that mm-service sends the CPU's TLBIs before each invalidate_range.
 */
public final class RestMmPort implements MmPort {
    private final RestClient mm;
    private final String notifierBase;
    private final BooleanSupplier btm;

    /**
     * @param notifierBase this service's base URL as mm-service reaches it
     * @param btm          whether the driver wants the CPU's broadcast TLBIs (asked when subscribing)
     */
    public RestMmPort(RestClient mm, String notifierBase, BooleanSupplier btm) {
        this.mm = mm;
        this.notifierBase = notifierBase.endsWith("/") ? notifierBase.substring(0, notifierBase.length() - 1) : notifierBase;
        this.btm = btm;
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        MmViews.Process p;
        try {
            p = call(() -> mm.get().uri("/mm/v1/processes/{pid}", pid).retrieve().body(MmViews.Process.class));
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
    static ProcessInfo.State state(String s) {
        return switch (s) {
            case "RUNNING" -> ProcessInfo.State.RUNNING;
            case "EXITING" -> ProcessInfo.State.EXITING;
            default -> ProcessInfo.State.EXITED;
        };
    }

    @Override
    public int pinAsid(long pid) {
        return call(() -> mm.post().uri("/mm/v1/processes/{pid}/asid/pin", pid).retrieve().body(MmViews.Asid.class)).asid();
    }

    @Override
    public void unpinAsid(long pid) {
        call(() -> mm.post().uri("/mm/v1/processes/{pid}/asid/unpin", pid).retrieve().toBodilessEntity());
    }

    @Override
    public NotifierSubscription subscribe(long pid) {
        MmRequests.Subscribe body = new MmRequests.Subscribe(notifierBase + "/iommu/v1/mm-notifier/" + pid, btm.getAsBoolean());
        MmViews.Subscription s = call(() -> mm.post().uri("/mm/v1/processes/{pid}/notifiers", pid).body(body)
                .retrieve().body(MmViews.Subscription.class));
        return new NotifierSubscription(s.id(), s.pgd().value(), s.asid());
    }

    @Override
    public void unsubscribe(long pid, long subscriptionId) {
        call(() -> mm.delete().uri("/mm/v1/processes/{pid}/notifiers/{id}", pid, subscriptionId).retrieve().toBodilessEntity());
    }

    @Override
    public List<MmFaultResult> handleMmFault(long pid, List<MmFault> faults) {
        List<MmRequests.Fault> wire = new ArrayList<>(faults.size());
        for (MmFault f : faults) {
            wire.add(new MmRequests.Fault(Addr.of(f.addr()), f.access().name().toLowerCase(java.util.Locale.ROOT), f.privileged()));
        }
        MmViews.FaultResults r = call(() -> mm.post().uri("/mm/v1/processes/{pid}/fault", pid)
                .body(new MmRequests.Faults(wire)).retrieve().body(MmViews.FaultResults.class));
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

    private static <T> T call(Supplier<T> c) {
        try {
            return c.get();
        } catch (RuntimeException e) {
            throw ServiceClients.translate(e);
        }
    }
}
