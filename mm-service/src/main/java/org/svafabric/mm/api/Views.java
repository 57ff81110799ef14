package org.svafabric.mm.api;

import java.util.List;

import org.springframework.stereotype.Component;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmViews;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.Process;
import org.svafabric.mm.process.ProcessJournal;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.process.Vma;

/** Renders processes for the API: live ones from this run's model, earlier ones from the journal. */
@Component
class Views {
    private final ProcessTable table;
    private final AsidAllocator asids;

    Views(ProcessTable table, AsidAllocator asids) {
        this.table = table;
        this.asids = asids;
    }

    MmViews.Process summary(Process p) {
        Mm mm = p.mm();
        boolean live = !mm.isTorn();
        return MmViews.Process.summary(p.pid(), p.name(), p.uid(), p.state(),
                live ? asids.asidOf(mm.context()) : null, live ? Addr.of(mm.pageTable().pgd()) : null, p.exitReason());
    }

    MmViews.Process summary(ProcessJournal.Stored s) {
        return table.find(s.pid()).map(this::summary)
                .orElseGet(() -> MmViews.Process.summary(s.pid(), s.name(), s.uid(), s.state(), null, null, s.exitReason()));
    }

    /** The process with its VMAs and page counts; ESRCH if neither this run nor the journal knows it. */
    MmViews.Process detail(long pid) {
        Process p = table.find(pid).orElse(null);
        if (p == null) {
            ProcessJournal.Stored s = table.journal().find(pid).orElseThrow(() -> ErrnoException.noProcess(pid));
            return new MmViews.Process(s.pid(), s.name(), s.uid(), s.state(), null, null, s.exitReason(),
                    List.of(), 0L, 0L, 0L);
        }
        Mm mm = p.mm();
        List<MmViews.Vma> vmas;
        mm.lock().readLock().lock();
        try {
            vmas = mm.vmas().all().stream().map(v -> vma(mm, v)).toList();
        } finally {
            mm.lock().readLock().unlock();
        }
        MmViews.Process s = summary(p);
        return new MmViews.Process(s.pid(), s.name(), s.uid(), s.state(), s.asid(), s.pgd(), s.exitReason(), vmas,
                mm.residentPages(), mm.swappedPages(), mm.pins().count());
    }

    private static MmViews.Vma vma(Mm mm, Vma v) {
        return new MmViews.Vma(Addr.of(v.start()), Addr.of(v.end()), v.length(), v.prot().toString(), mm.pins().count(v.start(), v.end()));
    }
}
