package org.svafabric.mm.events;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.svafabric.api.events.FabricEvent;
import org.svafabric.mm.process.PageFaults;
import org.svafabric.mm.process.Process;

/**
 * The CPU side's entries in the fabric's event log, beside the calls they describe (as Linux's
 * tracepoints sit beside mm code): process create and exit, mmap, munmap, mprotect, reclaim
 * (swap-out), OOM, and handle_mm_fault results, one event per I/O page-fault batch the IOPF
 * handler sends (a page request group), not per page, so that a large DMA does not flood the log.
 */
public final class MmEvents {
    public static final String PROCESS_CREATE = "PROCESS_CREATE";
    public static final String PROCESS_EXIT = "PROCESS_EXIT";
    public static final String MMAP = "MMAP";
    public static final String MUNMAP = "MUNMAP";
    public static final String MPROTECT = "MPROTECT";
    public static final String SWAP_OUT = "SWAP_OUT";
    public static final String MM_FAULT = "MM_FAULT";
    public static final String OOM = "OOM";

    private final Consumer<FabricEvent> sink;

    public MmEvents(Consumer<FabricEvent> sink) {
        this.sink = sink;
    }

    public void created(Process p) {
        emit(PROCESS_CREATE, p.pid(), null, "\"" + p.name() + "\" uid " + p.uid());
    }

    public void exited(Process p) {
        emit(PROCESS_EXIT, p.pid(), null, "\"" + p.name() + "\" " + p.state().name().toLowerCase()
                + (p.exitReason() == null ? "" : ": " + p.exitReason()));
    }

    public void mmap(long pid, long addr, long length, String prot) {
        emit(MMAP, pid, addr, length + " bytes, prot " + prot);
    }

    public void munmap(long pid, long addr, long length) {
        emit(MUNMAP, pid, addr, length + " bytes");
    }

    public void mprotect(long pid, long addr, long length, String prot) {
        emit(MPROTECT, pid, addr, length + " bytes, prot " + prot);
    }

    public void reclaimed(long pid, Long addr, long pages) {
        emit(SWAP_OUT, pid, addr, pages + " page(s) swapped out");
    }

    /** One handle_mm_fault batch: how many pages were made present, and why the others were refused. */
    public void faults(long pid, long firstAddr, List<PageFaults.Outcome> outcomes) {
        long ok = outcomes.stream().filter(PageFaults.Outcome::ok).count();
        Map<String, Long> refused = new TreeMap<>();
        String firstReason = null;
        for (PageFaults.Outcome o : outcomes) {
            if (!o.ok()) {
                refused.merge(o.errno().name(), 1L, Long::sum);
                firstReason = firstReason == null ? o.reason() : firstReason;
            }
        }
        String detail = outcomes.size() + " fault(s): " + ok + " handled" + (refused.isEmpty() ? "" : ", refused " + refused + " (" + firstReason + ")");
        emit(MM_FAULT, pid, firstAddr, detail);
        if (refused.containsKey("ENOMEM")) {
            emit(OOM, pid, firstAddr, "handle_mm_fault found no free frame: " + firstReason);
        }
    }

    /** RAM ran out on a path that answers ENOMEM to its caller (a CPU access, populate, a page table). */
    public void outOfMemory(Long pid, String what) {
        emit(OOM, pid, null, what);
    }

    private void emit(String type, Long pid, Long addr, String detail) {
        sink.accept(FabricEvent.of(type, null, null, null, pid, addr, detail));
    }
}
