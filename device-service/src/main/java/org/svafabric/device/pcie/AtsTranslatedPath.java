package org.svafabric.device.pcie;

import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.wire.AtsCompletion;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.json.Addr;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.device.engine.DmaFault;
import org.svafabric.device.engine.DmaPath;
import org.svafabric.device.engine.DmaPath.Span;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobRecorder;
import org.svafabric.device.engine.JobStopped;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.iommu.IommuPort;

/**
 * DMA of a PCIe function with ATS enabled: translated requests straight to RAM.
 *
 * <p>For each access (one job segment): look the pages up in the ATC; on a miss, one ATS
 * Translation Request for all missing pages; pages that come back "no translation" (or without
 * the permission needed) are asked for with PRI; a Success response retries the translation,
 * Invalid Request fails the job at the first page that still does not translate, Response
 * Failure fails it and leaves PRI disabled. RAM is touched only inside an ATC hit, so an ATS
 * invalidation completes only after the access (see {@link AddressTranslationCache}).
 *
 * <p>Each step is recorded for the job's model clock as it happens ({@link JobRecorder}): the ATC
 * lookup, the ATS request with what the SMMU did for it, the page-request groups, the transfer.
 */
public final class AtsTranslatedPath implements DmaPath {
    /** Page-request rounds one access may take before the device gives up: reclaim can take pages away again. */
    static final int MAX_PRI_ROUNDS = 64;

    private final int sid;
    private final IommuPort port;
    private final AddressTranslationCache atc;
    private final PageRequestInterface pri;
    private final MemoryBus ram;
    private final AtcListener trace;

    public AtsTranslatedPath(int sid, IommuPort port, AddressTranslationCache atc, PageRequestInterface pri, MemoryBus ram,
                             AtcListener trace) {
        this.sid = sid;
        this.port = port;
        this.atc = atc;
        this.pri = pri;
        this.ram = ram;
        this.trace = trace;
    }

    @Override
    public byte[] read(Job job, long addr, int length) {
        byte[] out = new byte[length];
        access(job, addr, length, false, out);
        return out;
    }

    @Override
    public void write(Job job, long addr, byte[] data) {
        access(job, addr, data.length, true, data);
    }

    /** Translating ahead: the same ATS requests and page requests as an access, then nothing is moved. */
    @Override
    public void prefetch(Job job, long addr, int length, boolean write) {
        access(job, addr, length, write, null);
    }

    /**
     * A segment ahead: its source and destination pages in one Translation Request batch; what that leaves
     * untranslated (pages to request with PRI, translations an invalidation took back) is settled span by span,
     * as an access would.
     */
    @Override
    public void prefetch(Job job, List<Span> spans) {
        List<List<Long>> needPri = spans.size() > 1 ? translateTogether(job, spans) : null;
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            boolean settled = needPri != null && needPri.get(i).isEmpty();
            if (needPri != null && !settled) {
                pageIn(job, job.pasid(), needPri.get(i), s.addr(), s.write());
            }
            if (!settled) {
                access(job, s.addr(), s.length(), s.write(), null);
            }
        }
    }

    @Override
    public boolean translatesAhead() {
        return true;
    }

    /** {@code buffer} null: translate only (the engine's lookahead). */
    private void access(Job job, long addr, int length, boolean write, byte[] buffer) {
        Integer pasid = job.pasid();
        long[] pages = pagesOf(addr, length);
        int rounds = 0;
        while (true) {
            long generation = atc.generation();
            JobRecorder recorder = job.recorder();
            AddressTranslationCache.Access a = lookup(recorder, pasid, pages, write);
            if (a.hit()) {
                if (buffer == null) {
                    a.close();
                    return;
                }
                try {
                    transfer(a.pas(), addr, buffer, write);
                } finally {
                    a.close();
                }
                recorder.record(new DmaEvent.Transfer(buffer.length));
                return;
            }
            // A miss holds nothing: translating and paging in may take long and must not hold up invalidations.
            List<Long> needPri = translate(recorder, generation, pasid, a.missing(), write);
            if (needPri.isEmpty()) {
                continue;
            }
            if (++rounds > MAX_PRI_ROUNDS) {
                throw new DmaFault(first(needPri, addr), "translation did not settle after " + MAX_PRI_ROUNDS
                        + " page-request rounds", null);
            }
            pageIn(job, pasid, needPri, addr, write);
        }
    }

    /** An ATC lookup of an access's pages, recorded for the job's model clock (a hit holds the ATC until closed). */
    private AddressTranslationCache.Access lookup(JobRecorder recorder, Integer pasid, long[] pages, boolean write) {
        AddressTranslationCache.Access a = atc.lookup(pasid, pages, write, false);
        recorder.record(new DmaEvent.AtcLookup(pages.length - a.missing().size(), a.missing().size()));
        return a;
    }

    /**
     * Sends one ATS Translation Request for the missing pages and caches what came back.
     * Returns the pages that need a page request.
     */
    private List<Long> translate(JobRecorder recorder, long generation, Integer pasid, List<Long> missing, boolean write) {
        List<AtsRequest> req = new ArrayList<>(missing.size());
        for (long p : missing) {
            req.add(new AtsRequest(p, write, false, false));
        }
        List<Long> needPri = new ArrayList<>();
        for (AtsCompletion c : send(recorder, generation, pasid, req).results()) {
            if (!c.permits(write, false)) {
                needPri.add(Vmsa.pageDown(c.address()));
            }
        }
        return needPri;
    }

    /** What one Translation Request batch answered, and whether the ATC took it (no invalidation raced with it). */
    private record Batch(List<AtsCompletion> results, boolean cached) {
    }

    /** Sends one batch and caches its completions; a page the SMMU refused (UR, CA) fails the access there. */
    private Batch send(JobRecorder recorder, long generation, Integer pasid, List<AtsRequest> req) {
        trace.translationRequested(req.size());
        IommuCalls.AtsTranslation answer = port.translateWithWork(sid, pasid, req);
        recorder.record(new DmaEvent.AtsRequest(req.size(), answer.work()));
        List<AtsCompletion> done = answer.results();
        for (AtsCompletion c : done) {
            if (c.status().refused()) {
                throw new DmaFault(c.address(), "ATS translation refused by the SMMU: " + c.reason(), c.reason());
            }
        }
        // Refused when an invalidation raced with the request: the caller translates again.
        return new Batch(done, atc.fill(generation, pasid, done));
    }

    /**
     * One Translation Request batch for every page the spans miss in the ATC, each asked with its span's
     * permission. Returns, per span, the pages that need a page request; null when an invalidation raced with
     * the batch (nothing of it was cached).
     */
    private List<List<Long>> translateTogether(Job job, List<Span> spans) {
        Integer pasid = job.pasid();
        JobRecorder recorder = job.recorder();
        long generation = atc.generation();
        List<AtsRequest> req = new ArrayList<>();
        int[] firstOf = new int[spans.size() + 1];
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            AddressTranslationCache.Access a = lookup(recorder, pasid, pagesOf(s.addr(), s.length()), s.write());
            a.close();
            firstOf[i] = req.size();
            for (long p : a.missing()) {
                req.add(new AtsRequest(p, s.write(), false, false));
            }
        }
        firstOf[spans.size()] = req.size();
        List<List<Long>> needPri = new ArrayList<>(spans.size());
        Batch b = req.isEmpty() ? new Batch(List.of(), true) : send(recorder, generation, pasid, req);
        if (!b.cached()) {
            return null;
        }
        for (int i = 0; i < spans.size(); i++) {
            List<Long> pages = new ArrayList<>();
            for (int r = firstOf[i]; r < firstOf[i + 1]; r++) {
                AtsCompletion c = b.results().get(r);
                if (!c.permits(req.get(r).write(), false)) {
                    pages.add(Vmsa.pageDown(c.address()));
                }
            }
            needPri.add(pages);
        }
        return needPri;
    }

    private void pageIn(Job job, Integer pasid, List<Long> pages, long addr, boolean write) {
        PageRequestInterface.Result r = pri.request(pasid, pages, write, false, false, job.faults(), job.recorder(),
                job::abortRequested);
        switch (r.outcome()) {
            case SUCCESS -> {
                return;
            }
            case INVALID -> {
                job.faults().countInvalid();
                long at = firstUntranslated(job.recorder(), pasid, r.group(), write);
                throw DmaFault.invalidResponse(Math.max(at, addr), "PRG Response Invalid Request: the page at "
                        + Addr.hex(Math.max(at, addr)) + " cannot be made resident");
            }
            case FAILURE -> throw new DmaFault(first(r.group(), addr),
                    "PRG Response Failure: the page request interface is disabled until software re-enables it", null);
            case DISABLED -> throw new DmaFault(first(pages, addr), pri.responseFailure()
                    ? "page not present and PRI is stopped by an earlier Response Failure"
                    : "page not present and PRI is not enabled", null);
            case TIMEOUT -> throw new DmaFault(first(r.group(), addr), "no PRG Response: page request timed out", null);
            case STOPPED -> throw new JobStopped();
        }
    }

    /**
     * Invalid Request answers a whole group; errors are sticky in order, so the page at fault is
     * the first one of the group that still does not translate.
     */
    private long firstUntranslated(JobRecorder recorder, Integer pasid, List<Long> group, boolean write) {
        List<AtsRequest> req = new ArrayList<>(group.size());
        for (long p : group) {
            req.add(new AtsRequest(p, write, false, false));
        }
        IommuCalls.AtsTranslation answer = port.translateWithWork(sid, pasid, req);
        recorder.record(new DmaEvent.AtsRequest(req.size(), answer.work()));
        for (AtsCompletion c : answer.results()) {
            if (!c.permits(write, false)) {
                return Vmsa.pageDown(c.address());
            }
        }
        return group.get(0);
    }

    /**
     * Moves the bytes between RAM and the buffer: one bulk bus request for the whole access, physically contiguous
     * pages as one range, the data going straight between the buffer and the bus (no per-range copies).
     */
    private void transfer(long[] pas, long addr, byte[] buffer, boolean write) {
        long firstPage = Vmsa.pageDown(addr);
        int done = 0;
        List<MemoryBus.Range> runs = new ArrayList<>();
        for (int i = 0; i < pas.length; i++) {
            long va = Math.max(addr, firstPage + ((long) i << Vmsa.PAGE_SHIFT));
            int off = (int) (va & (Vmsa.PAGE_SIZE - 1));
            int n = (int) Math.min(buffer.length - done, Vmsa.PAGE_SIZE - off);
            long pa = pas[i] + off;
            MemoryBus.Range last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.pa() + last.length() == pa) {
                runs.set(runs.size() - 1, new MemoryBus.Range(last.pa(), last.length() + n));
            } else {
                runs.add(new MemoryBus.Range(pa, n));
            }
            done += n;
        }
        if (write) {
            ram.writeFrom(runs, buffer, 0);
        } else {
            ram.readInto(runs, buffer, 0);
        }
    }

    static long[] pagesOf(long addr, int length) {
        long first = Vmsa.pageDown(addr);
        long last = Vmsa.pageDown(addr + length - 1);
        long[] pages = new long[(int) ((last - first) >>> Vmsa.PAGE_SHIFT) + 1];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = first + ((long) i << Vmsa.PAGE_SHIFT);
        }
        return pages;
    }

    private static long first(List<Long> pages, long addr) {
        return pages.isEmpty() ? addr : Math.max(pages.get(0), addr);
    }
}
