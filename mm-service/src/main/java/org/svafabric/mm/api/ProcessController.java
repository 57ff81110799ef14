package org.svafabric.mm.api;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmProcessApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.events.MmEvents;
import org.svafabric.mm.process.Access;
import org.svafabric.mm.process.Gup;
import org.svafabric.mm.process.MemoryMap;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.PageFaults;
import org.svafabric.mm.process.Process;
import org.svafabric.mm.process.ProcessJournal;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.process.Prot;
import org.svafabric.mm.swap.PageReclaim;

/** Processes and their address spaces: the system calls of the CPU side, and the kernel entry points other services use. */
@RestController
public class ProcessController implements MmProcessApi {
    /** More addresses than any page request group can carry; keeps one call bounded. */
    static final int MAX_FAULTS = 4096;

    private final ProcessTable table;
    private final MemoryMap memoryMap;
    private final PageFaults faults;
    private final PageReclaim reclaim;
    private final Gup gup;
    private final AsidAllocator asids;
    private final Views views;
    private final MmEvents events;

    public ProcessController(ProcessTable table, MemoryMap memoryMap, PageFaults faults, PageReclaim reclaim, Gup gup,
                             AsidAllocator asids, Views views, MmEvents events) {
        this.events = events;
        this.table = table;
        this.memoryMap = memoryMap;
        this.faults = faults;
        this.reclaim = reclaim;
        this.gup = gup;
        this.asids = asids;
        this.views = views;
    }

    private Mm running(long pid) {
        return table.running(pid).mm();
    }

    @Override
    public ResponseEntity<MmViews.Process> create(MmRequests.CreateProcess body) {
        Process p = table.create(Args.required("name", body.name()), Args.required("uid", body.uid()));
        events.created(p);
        return ResponseEntity.status(HttpStatus.CREATED).body(views.summary(p));
    }

    @Override
    public MmViews.ProcessPage list(Long uid, int page,
                                    int size) {
        if (page < 0 || size < 1 || size > 1000) {
            throw ErrnoException.invalid("page must be >= 0 and size between 1 and 1000");
        }
        if (uid != null && uid < 0) {
            throw ErrnoException.invalid("uid must not be negative");
        }
        ProcessJournal.Page p = table.journal().list(uid, page, size);
        return new MmViews.ProcessPage(p.items().stream().map(views::summary).toList(), page, size, p.total());
    }

    @Override
    public MmViews.Process get(long pid) {
        return views.detail(pid);
    }

    @Override
    public ResponseEntity<MmViews.Process> exit(long pid) {
        Process p = table.exit(pid);
        events.exited(p);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(views.summary(p));
    }

    @Override
    public ResponseEntity<MmViews.Mapping> mmap(long pid, MmRequests.Mmap body) {
        long length = Args.required("length", body.length());
        Prot prot = Prot.parse(body.prot() == null ? "rw" : body.prot());
        long hint = body.addr() == null ? 0 : body.addr().value();
        Mm mm = running(pid);
        long addr = memoryMap.mmap(mm, length, prot, Boolean.TRUE.equals(body.populate()), hint);
        long mapped = org.svafabric.api.pagetable.Vmsa.pageUp(length);
        events.mmap(pid, addr, mapped, prot.toString());
        return ResponseEntity.status(HttpStatus.CREATED).body(new MmViews.Mapping(Addr.of(addr), mapped, prot.toString()));
    }

    @Override
    public ResponseEntity<Void> munmap(long pid, MmRequests.Range body) {
        long addr = Args.addr("addr", body.addr());
        long length = Args.required("length", body.length());
        memoryMap.munmap(running(pid), addr, length);
        events.munmap(pid, addr, length);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> mprotect(long pid, MmRequests.Mprotect body) {
        long addr = Args.addr("addr", body.addr());
        long length = Args.required("length", body.length());
        Prot prot = Prot.parse(Args.required("prot", body.prot()));
        memoryMap.mprotect(running(pid), addr, length, prot);
        events.mprotect(pid, addr, length, prot.toString());
        return ResponseEntity.noContent().build();
    }

    @Override
    public MmViews.Reclaimed reclaim(long pid, MmRequests.Reclaim body) {
        boolean range = body.addr() != null || body.length() != null;
        if (range == (body.pages() != null)) {
            throw ErrnoException.invalid("reclaim takes either {addr, length} or {pages}");
        }
        Mm mm = running(pid);
        long n = range
                ? reclaim.reclaimRange(mm, Args.addr("addr", body.addr()), Args.required("length", body.length()))
                : reclaim.reclaimCold(mm, Args.positive("pages", body.pages()));
        events.reclaimed(pid, range ? body.addr().value() : null, n);
        return new MmViews.Reclaimed(n);
    }

    @Override
    public MmViews.FaultResults fault(long pid, MmRequests.Faults body) {
        List<MmRequests.Fault> list = Args.required("faults", body.faults());
        if (list.size() > MAX_FAULTS) {
            throw ErrnoException.invalid("at most " + MAX_FAULTS + " faults per call");
        }
        List<Access> access = new ArrayList<>();
        for (MmRequests.Fault f : list) {
            Args.required("faults[].entry", f);
            Args.addr("faults[].addr", f.addr());
            access.add(Access.parse(f.access()));
        }
        Mm mm = running(pid);
        List<MmViews.FaultResult> results = new ArrayList<>();
        List<PageFaults.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            MmRequests.Fault f = list.get(i);
            PageFaults.Outcome o = faults.handleMmFault(mm, f.addr().value(), access.get(i), Boolean.TRUE.equals(f.privileged()));
            outcomes.add(o);
            results.add(new MmViews.FaultResult(f.addr(), o.ok(), o.errno() == null ? null : o.errno().name(), o.reason(),
                    o.kind() == null ? null : o.kind().wireName()));
        }
        if (!list.isEmpty()) {
            events.faults(pid, list.get(0).addr().value(), outcomes);
        }
        return new MmViews.FaultResults(results);
    }

    @Override
    public MmViews.Pinned pin(long pid, MmRequests.Pin body) {
        long addr = Args.addr("addr", body.addr());
        long length = Args.positive("length", body.length());
        List<Long> pas = gup.pin(running(pid), addr, length, Boolean.TRUE.equals(body.write()));
        return new MmViews.Pinned(pas.stream().map(Addr::of).toList());
    }

    /** Unpinning works on an exited process too: the pinner releases what it still holds. */
    @Override
    public ResponseEntity<Void> unpin(long pid, MmRequests.Range body) {
        long addr = Args.addr("addr", body.addr());
        long length = Args.positive("length", body.length());
        gup.unpin(table.any(pid).mm(), addr, length);
        return ResponseEntity.noContent().build();
    }

    @Override
    public MmViews.Asid pinAsid(long pid) {
        return new MmViews.Asid(asids.pin(running(pid).context()));
    }

    /** Like arm64_mm_context_put: allowed after exit, since the SMMU context may outlive the process. */
    @Override
    public ResponseEntity<Void> unpinAsid(long pid) {
        asids.unpin(table.any(pid).mm().context());
        return ResponseEntity.noContent().build();
    }
}
