package org.svafabric.mm.process;

import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.ram.Ram;

/**
 * exit_mmap: tears an address space down once its notifiers were released. Every subscriber
 * has promised to stop using the mm, so no invalidate_range is sent; the CPU no longer runs it.
 * Frames go back to the allocator (pinned ones when their last pin goes), swap slots are freed,
 * then every table frame, pgd included.
 */
final class ExitMmap {
    private final Machine machine;

    ExitMmap(Machine machine) {
        this.machine = machine;
    }

    /** Caller holds the mmap lock for writing and has released the notifiers. */
    void run(Mm mm) {
        Ram ram = machine.ram();
        mm.pageTable().forEach(0, MmapLayout.TASK_SIZE, (va, ptep, d) -> {
            mm.pageTable().getAndSet(ptep, 0);
            if (Pte.isValid(d)) {
                int pfn = ram.pfn(Pte.outputAddress(d));
                if (ram.pinCount(pfn) == 0) {
                    machine.frames().free(pfn);
                }
                mm.countResident(-1);
            } else if (Pte.isSwapEntry(d)) {
                machine.swap().free(Pte.SWP_OFFSET.get(d));
                mm.countSwapped(-1);
            }
        });
        mm.pageTable().destroy();
        mm.vmas().remove(0, MmapLayout.TASK_SIZE);
        mm.notifiers().clear();
        mm.markTorn();
    }
}
