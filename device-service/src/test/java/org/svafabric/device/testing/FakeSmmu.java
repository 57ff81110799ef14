package org.svafabric.device.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.iommu.PageRequest;
import org.svafabric.device.iommu.Transaction;
import org.svafabric.device.iommu.TransactionOutcome;
import org.svafabric.iommu.hw.event.Event;

/**
 * The SMMU side of the devices' link in tests. Translation is the real SMMU model's ({@link SmmuModel}: iommu-service's
 * {@code hw} over this test's in-JVM memory bus, with STEs and CDs for the bound address spaces, PASID -> space, no
 * PASID -> the device's classical domain); what software does with faults is scripted here, as the tests need to
 * steer it: page-request groups are collected and each answered once (after Last) by faulting the pages in, held
 * for the test to answer, or answered with a forced code; a stall is resumed Retry (after faulting the page in) or
 * Abort. {@link #scripted()} keeps translation scripted too (no TLB, no configuration cache: every page costs an STE,
 * a CD and a 4-level walk), for tests that price a known amount of SMMU work.
 */
public final class FakeSmmu implements IommuPort {

    /** How a fault of an untranslated transaction ends. */
    public enum Stall {
        /** No stall: the transaction is terminated. */
        TERMINATE,
        /** Stall, the fault is handled, CMD_RESUME Retry: the transaction completes. */
        RESUME_RETRY,
        /** Stall, CMD_RESUME Abort: the transaction fails. */
        RESUME_ABORT
    }

    /** Where a PRG Response goes: the device's page request interface. */
    public interface Responder {
        void respond(int prgIndex, Integer pasid, PrgResponseCode code, DmaEvent.FaultKinds kinds);
    }

    /** A complete page-request group as the SMMU's PRI queue delivers it. */
    public record Group(int sid, Integer pasid, int prgIndex, List<PageRequest> requests) {
    }

    public final LocalMemoryBus ram;
    public final AtomicLong frames = new AtomicLong(0x100_0000);
    private final Map<Integer, AddressSpace> spaces = new ConcurrentHashMap<>();
    private final Map<Integer, AddressSpace> domains = new ConcurrentHashMap<>();
    private final Map<String, List<PageRequest>> partial = new HashMap<>();
    public final List<List<AtsRequest>> translationBatches = new CopyOnWriteArrayList<>();
    public final List<Group> groups = new CopyOnWriteArrayList<>();
    /** The PASIDs of the Stop Markers received, in order (they get no response, as in the IOPF queue). */
    public final List<Integer> stopMarkers = new CopyOnWriteArrayList<>();
    public final AtomicInteger transactions = new AtomicInteger();
    public final List<DeviceDescription> hotplugged = new CopyOnWriteArrayList<>();
    private final ExecutorService iopf = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-iopf");
        t.setDaemon(true);
        return t;
    });
    private volatile Responder responder;
    /** When set, groups wait here for the test to answer them instead of being handled. */
    private volatile BlockingQueue<Group> held;
    /** When set, the fault handler answers every group with this code. */
    private volatile PrgResponseCode forced;
    private volatile Stall stall = Stall.TERMINATE;
    private volatile boolean down;
    private final java.util.Set<Integer> exiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** null: translation scripted as well. */
    private final SmmuModel model;

    /** Translation by the real SMMU model over {@code ram}. */
    public FakeSmmu(LocalMemoryBus ram) {
        this(ram, true);
    }

    public FakeSmmu() {
        this(new LocalMemoryBus());
    }

    private FakeSmmu(LocalMemoryBus ram, boolean model) {
        this.ram = ram;
        this.model = model ? new SmmuModel(ram, fault -> CompletableFuture.completedFuture(resume(fault))) : null;
    }

    /** Translation scripted too: a fixed, known SMMU work per page (see {@link #translateWithWork}). */
    public static FakeSmmu scripted() {
        return new FakeSmmu(new LocalMemoryBus(), false);
    }

    public AddressSpace bind(int pasid) {
        AddressSpace s = new AddressSpace(ram, frames);
        spaces.put(pasid, s);
        if (model != null) {
            model.bind(pasid, s.pgd());
        }
        return s;
    }

    public void unbind(int pasid) {
        spaces.remove(pasid);
        if (model != null) {
            model.unbind(pasid);
        }
    }

    public AddressSpace domain(int sid) {
        return domains.computeIfAbsent(sid, k -> {
            AddressSpace s = new AddressSpace(ram, frames);
            if (model != null) {
                model.domain(sid, s.pgd());
            }
            return s;
        });
    }

    /**
     * CMD_TLBI_NH_VA for a page of the space bound at {@code pasid}: what the driver's MMU notifier sends before the
     * page's frame is freed (the real model's IOTLB would keep the old translation otherwise).
     */
    public void invalidateTlb(int pasid, long va) {
        if (model != null) {
            model.invalidate(pasid, va);
        }
    }

    public void respondTo(Responder r) {
        this.responder = r;
    }

    /** Groups are no longer handled: they queue up for the test to answer with {@link #answer}. */
    public BlockingQueue<Group> holdGroups() {
        held = new LinkedBlockingQueue<>();
        return held;
    }

    public void answer(Group g, PrgResponseCode code) {
        if (code == PrgResponseCode.SUCCESS) {
            AddressSpace s = g.pasid() == null ? null : spaces.get(g.pasid());
            for (PageRequest r : g.requests()) {
                if (s != null) {
                    s.faultIn(r.addr(), r.write());
                }
            }
        }
        responder.respond(g.prgIndex(), g.pasid(), code, DmaEvent.FaultKinds.NONE);
    }

    public void forceResponse(PrgResponseCode code) {
        this.forced = code;
    }

    public void stall(Stall s) {
        this.stall = s;
        if (model != null) {
            model.stall(s != Stall.TERMINATE);
        }
    }

    /**
     * Software's answer to a stalled transaction (the IOPF handler, then CMD_RESUME): Retry once the page is
     * faulted in, Abort when it cannot be or when the test says so.
     */
    private boolean resume(Event fault) {
        if (stall != Stall.RESUME_RETRY) {
            return false;
        }
        AddressSpace s = space(fault.sid(), fault.ssv() ? fault.ssid() : null);
        long page = Vmsa.pageDown(fault.inputAddr());
        boolean present = s != null && Pte.isValid(s.leaf(page));
        if (s == null || !s.faultIn(page, !fault.rnw())) {
            return false;
        }
        model.notes().noteStall(SmmuModel.streamName(fault.sid()), page, new DmaEvent.FaultKinds(0, present ? 0 : 1, 0));
        return true;
    }

    /** iommu-service unreachable: hotplug fails. */
    /** iommu_sva_find answers nothing for {@code pasid} from now on: its process is exiting. */
    public void exiting(int pasid) {
        exiting.add(pasid);
    }

    @Override
    public boolean addressSpaceLive(int pasid) {
        return !exiting.contains(pasid);
    }

    public void down(boolean isDown) {
        this.down = isDown;
    }

    /**
     * What the SMMU did. Scripted: it has no TLB and no configuration cache, so every page is a walk of the four
     * levels (4 descriptor reads) after an STE and a CD fetch.
     */
    @Override
    public IommuCalls.AtsTranslation translateWithWork(int sid, Integer pasid, List<AtsRequest> pages) {
        if (model != null) {
            translationBatches.add(List.copyOf(pages));
            return model.translate(sid, pasid, pages);
        }
        return new IommuCalls.AtsTranslation(translate(sid, pasid, pages), new DmaEvent.SmmuWork(1, pasid == null ? 0 : 1, 0, pages.size(),
                4 * pages.size()));
    }

    @Override
    public List<AtsCompletion> translate(int sid, Integer pasid, List<AtsRequest> pages) {
        if (model != null) {
            return translateWithWork(sid, pasid, pages).results();
        }
        translationBatches.add(List.copyOf(pages));
        AddressSpace s = space(sid, pasid);
        List<AtsCompletion> out = new ArrayList<>(pages.size());
        for (AtsRequest p : pages) {
            if (s == null) {
                out.add(AtsCompletion.abort(p.addr(), "C_BAD_SUBSTREAMID"));
                continue;
            }
            long d = s.leaf(p.addr());
            if (!Pte.isValid(d)) {
                out.add(AtsCompletion.noTranslation(p.addr(), false, null));
            } else {
                out.add(AtsCompletion.granted(p.addr(), Pte.outputAddress(d), 12, true, Pte.isWritePermitted(d), false, false));
            }
        }
        return out;
    }

    private AddressSpace space(int sid, Integer pasid) {
        return pasid == null ? domains.get(sid) : spaces.get(pasid);
    }

    @Override
    public void pageRequests(int sid, Integer pasid, List<PageRequest> requests) {
        List<Group> complete = new ArrayList<>();
        synchronized (partial) {
            for (PageRequest r : requests) {
                if (r.last() && !r.read() && !r.write() && pasid != null) {
                    stopMarkers.add(pasid);
                    continue;
                }
                String key = sid + "/" + pasid + "/" + r.prgIndex();
                partial.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                if (r.last()) {
                    complete.add(new Group(sid, pasid, r.prgIndex(), partial.remove(key)));
                }
            }
        }
        for (Group g : complete) {
            groups.add(g);
            BlockingQueue<Group> h = held;
            if (h != null) {
                h.add(g);
            } else {
                iopf.execute(() -> handle(g));
            }
        }
    }

    /** The IOPF handler: errors are sticky within the group; one response for the whole group. */
    private void handle(Group g) {
        PrgResponseCode code = forced;
        int minor = 0;
        int major = 0;
        if (code == null) {
            code = PrgResponseCode.SUCCESS;
            AddressSpace s = g.pasid() == null ? null : spaces.get(g.pasid());
            for (PageRequest r : g.requests()) {
                boolean present = s != null && Pte.isValid(s.leaf(r.addr()));
                if (s == null || !s.faultIn(r.addr(), r.write())) {
                    code = PrgResponseCode.INVALID;
                    break;
                }
                if (present) {
                    minor++;
                } else {
                    major++;
                }
            }
        }
        responder.respond(g.prgIndex(), g.pasid(), code, new DmaEvent.FaultKinds(minor, major, 0));
    }

    @Override
    public TransactionOutcome transact(int sid, Integer pasid, Transaction t) {
        transactions.incrementAndGet();
        if (model != null) {
            return model.transact(sid, pasid, t);
        }
        AddressSpace s = space(sid, pasid);
        if (s == null) {
            return new TransactionOutcome.Terminated(pasid == null ? "F_TRANSLATION" : "C_BAD_SUBSTREAMID", t.addr(), 0);
        }
        int stalls = 0;
        int major = 0;
        List<Long> pas = new ArrayList<>();
        for (long page = Vmsa.pageDown(t.addr()); page < t.addr() + t.length(); page += Vmsa.PAGE_SIZE) {
            long d = s.leaf(page);
            boolean permitted = Pte.isValid(d) && (!t.write() || Pte.isWritePermitted(d));
            if (!permitted) {
                String event = Pte.isValid(d) ? "F_PERMISSION" : "F_TRANSLATION";
                long at = Math.max(page, t.addr());
                switch (stall) {
                    case TERMINATE -> {
                        return new TransactionOutcome.Terminated(event, at, stalls);
                    }
                    case RESUME_ABORT -> {
                        return new TransactionOutcome.Terminated(event, at, stalls + 1);
                    }
                    case RESUME_RETRY -> {
                        stalls++;
                        if (!Pte.isValid(d)) {
                            major++;
                        }
                        if (!s.faultIn(page, t.write())) {
                            return new TransactionOutcome.Terminated(event, at, stalls);
                        }
                        d = s.leaf(page);
                    }
                }
            }
            pas.add(Pte.outputAddress(d));
        }
        byte[] data = t.write() ? t.data() : new byte[t.length()];
        int done = 0;
        for (int i = 0; i < pas.size(); i++) {
            long va = Math.max(t.addr(), Vmsa.pageDown(t.addr()) + ((long) i << Vmsa.PAGE_SHIFT));
            int off = (int) (va & (Vmsa.PAGE_SIZE - 1));
            int n = (int) Math.min(t.length() - done, Vmsa.PAGE_SIZE - off);
            if (t.write()) {
                byte[] part = new byte[n];
                System.arraycopy(data, done, part, 0, n);
                ram.write(pas.get(i) + off, part);
            } else {
                System.arraycopy(ram.read(pas.get(i) + off, n), 0, data, done, n);
            }
            done += n;
        }
        // No TLB here: every page is a 4-level walk, and a stalled page is walked again on the retry.
        int walks = pas.size() + stalls;
        return new TransactionOutcome.Completed(t.write() ? new byte[0] : data, stalls,
                new DmaEvent.SmmuWork(1, pasid == null ? 0 : 1, 0, walks, 4 * walks), new DmaEvent.FaultKinds(0, major, 0));
    }

    @Override
    public void hotplug(DeviceDescription description) {
        if (down) {
            throw new ErrnoException(Errno.EIO, "service-unavailable", "iommu-service did not answer");
        }
        hotplugged.add(description);
    }
}
