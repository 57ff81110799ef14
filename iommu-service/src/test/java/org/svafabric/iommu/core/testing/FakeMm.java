package org.svafabric.iommu.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.MmFault;
import org.svafabric.iommu.core.port.MmFaultResult;
import org.svafabric.iommu.core.port.MmPort;
import org.svafabric.iommu.core.port.NotifierSubscription;
import org.svafabric.iommu.core.port.ProcessInfo;

/**
 * mm-service in miniature: processes with a page-table base and an ASID, mappings with a prot, refcounted ASID
 * pins and notifier subscriptions, and an exit that calls the registered release before the mm is gone,
 * as mm-service does. Every handle_mm_fault call is recorded as one batch.
 */
public final class FakeMm implements MmPort {

    public record Mapping(long start, long end, String prot) {
    }

    public record FaultCall(long pid, List<MmFault> faults) {
    }

    private final Map<Long, ProcessInfo> processes = new ConcurrentHashMap<>();
    private final Map<Long, List<Mapping>> mappings = new ConcurrentHashMap<>();
    public final Map<Long, Integer> pins = new ConcurrentHashMap<>();
    /** subscription id -> pid */
    public final Map<Long, Long> subscriptions = new ConcurrentHashMap<>();
    public final List<FaultCall> faultCalls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong nextSubscription = new AtomicLong(100);
    /** Called with the pid at the start of each handle_mm_fault; a test blocks or counts there. */
    public volatile LongConsumer onFault = pid -> {
    };
    /** Called with the pid after each ASID pin. */
    public volatile LongConsumer onPin = pid -> {
    };
    /** The notifier's release, as wired by the test (the core's SvaMmNotifier::release). */
    public volatile LongConsumer release = pid -> {
    };

    public void spawn(long pid) {
        processes.put(pid, new ProcessInfo(pid, 0x8000_0000L + (pid << 12), (int) (pid % 200) + 1, ProcessInfo.State.RUNNING));
        mappings.put(pid, Collections.synchronizedList(new ArrayList<>()));
    }

    public void map(long pid, long start, long length, String prot) {
        mappings.get(pid).add(new Mapping(start, start + length, prot));
    }

    public long pgd(long pid) {
        return processes.get(pid).pgd();
    }

    public int asid(long pid) {
        return processes.get(pid).asid();
    }

    /** exit: the process stops, every notifier's release runs, then the address space is gone. */
    public void exit(long pid) {
        setState(pid, ProcessInfo.State.EXITING);
        boolean subscribed = subscriptions.containsValue(pid);
        if (subscribed) {
            release.accept(pid);
        }
        subscriptions.values().removeIf(p -> p == pid);
        setState(pid, ProcessInfo.State.EXITED);
    }

    public void setState(long pid, ProcessInfo.State state) {
        processes.computeIfPresent(pid, (k, p) -> new ProcessInfo(p.pid(), p.pgd(), p.asid(), state));
    }

    public int pinCount(long pid) {
        return pins.getOrDefault(pid, 0);
    }

    public long subscriptionsOf(long pid) {
        return subscriptions.values().stream().filter(p -> p == pid).count();
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        return Optional.ofNullable(processes.get(pid));
    }

    @Override
    public int pinAsid(long pid) {
        ProcessInfo p = running(pid);
        pins.merge(pid, 1, Integer::sum);
        onPin.accept(pid);
        return p.asid();
    }

    @Override
    public void unpinAsid(long pid) {
        pins.compute(pid, (k, n) -> {
            if (n == null || n == 0) {
                throw new IllegalStateException("ASID of pid " + pid + " unpinned more often than pinned");
            }
            return n - 1;
        });
    }

    @Override
    public NotifierSubscription subscribe(long pid) {
        ProcessInfo p = running(pid);
        long id = nextSubscription.incrementAndGet();
        subscriptions.put(id, pid);
        return new NotifierSubscription(id, p.pgd(), p.asid());
    }

    @Override
    public void unsubscribe(long pid, long subscriptionId) {
        if (subscriptions.remove(subscriptionId) == null) {
            throw new ErrnoException(Errno.ENOENT, "no-such-notifier", "process " + pid + " has no notifier " + subscriptionId);
        }
    }

    @Override
    public List<MmFaultResult> handleMmFault(long pid, List<MmFault> faults) {
        onFault.accept(pid);
        faultCalls.add(new FaultCall(pid, List.copyOf(faults)));
        ProcessInfo p = processes.get(pid);
        List<MmFaultResult> out = new ArrayList<>();
        for (MmFault f : faults) {
            if (p == null || !p.isRunning()) {
                out.add(MmFaultResult.failure(f.addr(), "process " + pid + " has exited"));
            } else {
                out.add(check(pid, f));
            }
        }
        return out;
    }

    private MmFaultResult check(long pid, MmFault f) {
        synchronized (mappings.get(pid)) {
            for (Mapping m : mappings.get(pid)) {
                if (f.addr() >= m.start() && f.addr() < m.end()) {
                    char need = f.access() == MmFault.Access.READ ? 'r' : f.access() == MmFault.Access.WRITE ? 'w' : 'x';
                    if (m.prot().indexOf(need) < 0) {
                        return MmFaultResult.failure(f.addr(), "no " + f.access() + " permission");
                    }
                    if (f.privileged() && f.access() == MmFault.Access.EXEC) {
                        return MmFaultResult.failure(f.addr(), "privileged fetch from a user page");
                    }
                    return MmFaultResult.success(f.addr());
                }
            }
        }
        return MmFaultResult.failure(f.addr(), "no VMA");
    }

    private ProcessInfo running(long pid) {
        ProcessInfo p = processes.get(pid);
        if (p == null || !p.isRunning()) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no running process " + pid);
        }
        return p;
    }
}
