package org.svafabric.api.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.events.FabricEvent;

/**
 * The faults armed in one service, which the model's injection points consult: each point asks
 * {@link #fire} whether its fault applies now (to that device) and, if so, acts it out beside its
 * normal logic. Off by default; nothing armed costs one volatile read. A fault with a count fires
 * that many times and then clears itself; every arming, firing (of a counted fault) and clearing
 * is an event in the service's log, so that what happened is never a mystery.
 */
public final class FaultInjector {
    private final String service;
    private final Set<FaultKind> owned;
    private final Consumer<FabricEvent> events;
    private final Map<FaultKind, Armed> armed = new EnumMap<>(FaultKind.class);
    private volatile boolean any;

    private static final class Armed {
        final FaultSpec spec;
        final Instant since = Instant.now();
        long fired;
        Long remaining;

        Armed(FaultSpec spec) {
            this.spec = spec;
            this.remaining = spec.count();
        }
    }

    public FaultInjector(String service, Consumer<FabricEvent> events) {
        this.service = service;
        this.owned = FaultKind.ownedBy(service);
        this.events = events;
    }

    public Set<FaultKind> owned() {
        return owned;
    }

    /** Replaces every armed fault of this service by {@code specs} (validated first: all or nothing). */
    public void arm(List<FaultSpec> specs) {
        Set<FaultKind> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            FaultSpec s = specs.get(i);
            if (s == null) {
                throw ErrnoException.invalid("[" + i + "] must be a fault object");
            }
            s.validate("[" + i + "]");
            if (!owned.contains(s.faultKind()) || !s.owner().equals(service)) {
                throw ErrnoException.invalid("[" + i + "].kind: a " + s.kind() + " fault does not live in " + service);
            }
            if (!seen.add(s.faultKind())) {
                throw ErrnoException.invalid("[" + i + "].kind: " + s.kind() + " is given twice");
            }
        }
        synchronized (armed) {
            armed.clear();
            for (FaultSpec s : specs) {
                armed.put(s.faultKind(), new Armed(s));
                events.accept(FabricEvent.of("FAULT_ARMED", s.device(), null, null, null, null, describe(s)));
            }
            any = !armed.isEmpty();
        }
    }

    public void clear() {
        synchronized (armed) {
            if (!armed.isEmpty()) {
                events.accept(FabricEvent.of("FAULT_CLEARED", null, null, null, null, null, armed.size() + " fault(s) cleared"));
            }
            armed.clear();
            any = false;
        }
    }

    /**
     * Whether fault {@code kind} applies now to {@code device} (null: the point knows no device);
     * counts the occurrence. The spec says how to act it out (its delay).
     */
    public Optional<FaultSpec> fire(FaultKind kind, String device) {
        if (!any) {
            return Optional.empty();
        }
        FaultSpec spec;
        boolean last;
        synchronized (armed) {
            Armed a = armed.get(kind);
            if (a == null || (a.spec.device() != null && !a.spec.device().equals(device))) {
                return Optional.empty();
            }
            a.fired++;
            spec = a.spec;
            last = false;
            if (a.remaining != null) {
                a.remaining--;
                if (a.remaining == 0) {
                    armed.remove(kind);
                    any = !armed.isEmpty();
                    last = true;
                }
            }
        }
        if (spec.count() != null) {
            events.accept(FabricEvent.of("FAULT_INJECTED", device, null, null, null, null,
                    describe(spec) + (last ? " (last occurrence; cleared)" : "")));
        }
        return Optional.of(spec);
    }

    public boolean armed(FaultKind kind) {
        if (!any) {
            return false;
        }
        synchronized (armed) {
            return armed.containsKey(kind);
        }
    }

    public List<ArmedFault> list() {
        List<ArmedFault> out = new ArrayList<>();
        synchronized (armed) {
            for (Armed a : armed.values()) {
                FaultSpec s = a.spec;
                out.add(new ArmedFault(s.kind(), s.device(), s.service(), s.count(), s.delayMillis(), service, a.fired, a.remaining, a.since));
            }
        }
        return out;
    }

    private static String describe(FaultSpec s) {
        return s.kind() + (s.device() == null ? "" : " on " + s.device()) + (s.count() == null ? "" : ", " + s.count() + " time(s)")
                + (s.delayMillis() == null ? "" : ", " + s.delayMillis() + " ms");
    }
}
