package org.svafabric.mm.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.json.Addr;
import org.svafabric.mm.pagetable.Walk;
import org.svafabric.mm.process.Process;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Ram;

/**
 * The audit's view of RAM and the processes: each process of this boot with its pgd, the kernel pages given
 * out (the SMMU's tables must lie in them), and every pin get_user_pages holds (a VFIO mapping must cover
 * it). The CPU's translation of given addresses answers whether an ATC entry still points where the process
 * maps that page.
 */
public final class MmAudit {
    private final ProcessTable processes;
    private final KernelPageAllocator kernelPages;
    private final Ram ram;

    public MmAudit(ProcessTable processes, KernelPageAllocator kernelPages, Ram ram) {
        this.processes = processes;
        this.kernelPages = kernelPages;
        this.ram = ram;
    }

    public AuditViews.Mm view() {
        List<AuditViews.Process> procs = new ArrayList<>();
        List<AuditViews.Pin> pins = new ArrayList<>();
        for (Process p : processes.all()) {
            boolean running = p.state() == ProcessState.RUNNING;
            procs.add(new AuditViews.Process(p.pid(), p.state().name(), running ? Addr.of(p.mm().pageTable().pgd()) : null));
            for (Map.Entry<Long, List<Integer>> e : p.mm().pins().snapshot().entrySet()) {
                for (int pfn : e.getValue()) {
                    pins.add(new AuditViews.Pin(p.pid(), Addr.of(e.getKey()), Addr.of(ram.pa(pfn))));
                }
            }
        }
        return new AuditViews.Mm(procs, kernelPages.allocations(), pins, List.<AuditFinding>of());
    }

    /** The CPU's translation of each page asked for; pa null where the process is not running or maps nothing. */
    public List<AuditViews.Translation> translate(List<AuditViews.Translation> asked) {
        List<AuditViews.Translation> out = new ArrayList<>(asked.size());
        for (AuditViews.Translation t : asked) {
            Addr pa = null;
            Process p = processes.find(t.pid()).orElse(null);
            if (p != null && p.state() == ProcessState.RUNNING && t.va() != null) {
                Walk w = p.mm().pageTable().walk(t.va().value() & ~0xfffL);
                if (w.isPage()) {
                    pa = Addr.of(w.pa(t.va().value() & ~0xfffL));
                }
            }
            out.add(new AuditViews.Translation(t.pid(), t.va(), pa));
        }
        return out;
    }
}
