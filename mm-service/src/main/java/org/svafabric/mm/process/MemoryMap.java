package org.svafabric.mm.process;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.ram.Ram;

/**
 * mmap, munmap and mprotect of anonymous private memory, with the kernel's argument checks
 * and errors (mm/mmap.c, mm/mprotect.c). Changes that take a translation away (unmapping,
 * losing a permission) go through an {@link MmuGather}: descriptors change, every MMU notifier
 * acknowledges the invalidation, and only then are frames freed; if a subscriber fails, the
 * change is undone and the call fails with nothing freed.
 */
public final class MemoryMap {
    private final Machine machine;
    private final PageFaults faults;
    private final ProcessJournal journal;

    public MemoryMap(Machine machine, PageFaults faults, ProcessJournal journal) {
        this.machine = machine;
        this.faults = faults;
        this.journal = journal;
    }

    /** Anonymous private mmap; returns the address. {@code hint} 0: no hint. */
    public long mmap(Mm mm, long length, Prot prot, boolean populate, long hint) {
        if (length <= 0) {
            throw ErrnoException.invalid("mmap length must be positive");
        }
        if (length > MmapLayout.TASK_SIZE) {
            throw new ErrnoException(Errno.ENOMEM, "no-address-space", "length " + length + " exceeds the user address space");
        }
        long len = Vmsa.pageUp(length);
        mm.lock().writeLock().lock();
        try {
            mm.checkLive();
            if (mm.vmas().size() >= VmaTree.MAX_MAP_COUNT) {
                throw new ErrnoException(Errno.ENOMEM, "max-map-count", "the process has " + VmaTree.MAX_MAP_COUNT + " VMAs (vm.max_map_count)");
            }
            long addr = MmapLayout.place(mm.vmas(), len, hint);
            if (addr < 0) {
                throw new ErrnoException(Errno.ENOMEM, "no-address-space", "no free range of " + len + " bytes in the user address space");
            }
            mm.vmas().insert(new Vma(addr, addr + len, prot));
            journal.vmasChanged(mm.pid(), mm.vmas().all());
            if (populate) {
                populate(mm, addr, len, prot);
            }
            return addr;
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    /** MAP_POPULATE: pre-fault (for writing, if writable); like mm_populate, a failure leaves the mapping in place. */
    private void populate(Mm mm, long addr, long len, Prot prot) {
        if (!prot.read() && !prot.write() && !prot.exec()) {
            return;
        }
        try {
            for (long va = addr; va < addr + len; va += Vmsa.PAGE_SIZE) {
                faults.faultIn(mm, va, prot, prot.write());
            }
        } catch (ErrnoException e) {
            // mmap(MAP_POPULATE) still succeeds; the rest faults in on first touch.
        }
    }

    public void munmap(Mm mm, long addr, long length) {
        if (!Vmsa.isPageAligned(addr)) {
            throw ErrnoException.invalid("munmap address " + Ram.hex(addr) + " is not page aligned");
        }
        if (length <= 0) {
            throw ErrnoException.invalid("munmap length must be positive");
        }
        if (addr > MmapLayout.TASK_SIZE || length > MmapLayout.TASK_SIZE - addr) {
            throw ErrnoException.invalid("munmap range is outside the user address space");
        }
        long end = addr + Vmsa.pageUp(length);
        if (end > MmapLayout.TASK_SIZE) {
            throw ErrnoException.invalid("munmap range is outside the user address space");
        }
        mm.lock().writeLock().lock();
        try {
            mm.checkLive();
            if (mm.vmas().isFree(addr, end)) {
                return;
            }
            if (mm.vmas().countAfterSplit(addr, end) > VmaTree.MAX_MAP_COUNT) {
                throw new ErrnoException(Errno.ENOMEM, "max-map-count", "splitting would exceed vm.max_map_count");
            }
            MmuGather tlb = new MmuGather(mm, machine.asids(), "munmap");
            mm.pageTable().forEach(addr, end, (va, ptep, d) -> tlb.clear(va, ptep));
            tlb.detachTables(addr, end);
            tlb.widen(addr, end);
            tlb.flush();
            for (MmuGather.Change c : tlb.changes()) {
                releasePage(mm, c.old());
            }
            tlb.freeTables();
            mm.vmas().remove(addr, end);
            journal.vmasChanged(mm.pid(), mm.vmas().all());
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    /**
     * Drops what a cleared descriptor held: a frame goes back to the allocator unless it is
     * pinned (then the last unpin frees it), a swap slot is freed.
     */
    void releasePage(Mm mm, long old) {
        Ram ram = machine.ram();
        if (Pte.isValid(old)) {
            mm.countResident(-1);
            int pfn = ram.pfn(Pte.outputAddress(old));
            if (ram.pinCount(pfn) == 0) {
                machine.frames().free(pfn);
            }
        } else if (Pte.isSwapEntry(old)) {
            mm.countSwapped(-1);
            machine.swap().free(Pte.SWP_OFFSET.get(old));
        }
    }

    public void mprotect(Mm mm, long addr, long length, Prot prot) {
        if (!Vmsa.isPageAligned(addr)) {
            throw ErrnoException.invalid("mprotect address " + Ram.hex(addr) + " is not page aligned");
        }
        if (length < 0) {
            throw ErrnoException.invalid("mprotect length must not be negative");
        }
        if (length == 0) {
            return;
        }
        long end = addr + Vmsa.pageUp(length);
        if (end <= addr || end > MmapLayout.TASK_SIZE) {
            throw new ErrnoException(Errno.ENOMEM, "not-mapped", "mprotect range is outside the user address space");
        }
        mm.lock().writeLock().lock();
        try {
            mm.checkLive();
            if (!mm.vmas().covers(addr, end)) {
                throw new ErrnoException(Errno.ENOMEM, "not-mapped", "part of [" + Ram.hex(addr) + ", " + Ram.hex(end) + ") is not mapped");
            }
            if (mm.vmas().countAfterSplit(addr, end) > VmaTree.MAX_MAP_COUNT) {
                throw new ErrnoException(Errno.ENOMEM, "max-map-count", "splitting would exceed vm.max_map_count");
            }
            boolean loses = mm.vmas().overlapping(addr, end).stream().anyMatch(v -> v.prot().losesTo(prot));
            MmuGather tlb = new MmuGather(mm, machine.asids(), "mprotect");
            mm.pageTable().forEach(addr, end, (va, ptep, d) -> reprotect(tlb, va, ptep, prot));
            if (loses) {
                tlb.flush();
            }
            mm.vmas().protect(addr, end, prot);
            journal.vmasChanged(mm.pid(), mm.vmas().all());
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    /** Rewrites a present page's permissions, keeping its frame, Access flag and dirty state. */
    private static void reprotect(MmuGather tlb, long va, long ptep, Prot prot) {
        while (true) {
            long d = tlb.currentDescriptor(ptep);
            if (!Pte.isValid(d)) {
                return;
            }
            long next = prot.descriptor(Pte.outputAddress(d), Pte.AF.isSet(d), Pte.isDirty(d));
            if (next == d || tlb.replace(va, ptep, d, next)) {
                return;
            }
        }
    }
}
