package org.svafabric.mm.process;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.pagetable.PageTable;
import org.svafabric.mm.ram.FrameUse;
import org.svafabric.mm.ram.Ram;

/**
 * The fault path of anonymous memory (mm/memory.c's handle_mm_fault for private anonymous
 * VMAs): a never-touched page gets a zeroed frame, a swapped-out page is read back from its
 * slot, a present page gets its Access flag and, for a write, its dirty state (AP[2] cleared on
 * a DBM page) — what hardware with FEAT_HAFDBS does by itself on the CPU.
 *
 * <p>Runs with the mmap lock held (reading suffices). Concurrent faults on one page race by
 * compare-and-swap on the descriptor: the loser frees its frame and retries, so a page is
 * installed exactly once and a swap slot is consumed exactly once.
 */
public final class PageFaults {
    /**
     * What handle_mm_fault had to do for a page, as the timing model prices it: {@code MINOR} found it
     * present (Access flag, dirty state, or nothing), {@code MAJOR} allocated and zeroed a frame (Linux
     * counts this first touch of anonymous memory as a minor fault, since it does no I/O; the fabric
     * keeps it apart because it costs an allocation and a 4 KiB clear), {@code SWAP_IN} read the page
     * back from swap (Linux's major fault).
     */
    public enum Kind {
        MINOR("minor"), MAJOR("major"), SWAP_IN("swap-in");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** The outcome of handle_mm_fault for one address; {@code kind} is null when it was refused. */
    public record Outcome(boolean ok, Errno errno, String reason, Kind kind) {
        static Outcome ok(Kind kind) {
            return new Outcome(true, null, null, kind);
        }

        static Outcome fail(Errno errno, String reason) {
            return new Outcome(false, errno, reason, null);
        }
    }

    /** A page made present and what it took. */
    private record Installed(long pa, Kind kind) {
    }

    private final Machine machine;

    public PageFaults(Machine machine) {
        this.machine = machine;
    }

    /**
     * handle_mm_fault for an I/O page fault: VMA lookup and permission check, then fault the page
     * in. A refused fault maps nothing. {@code privileged}: the access came with the PCIe
     * privileged-mode bit; user pages are PXN, so a privileged instruction fetch is refused.
     */
    public Outcome handleMmFault(Mm mm, long va, Access access, boolean privileged) {
        mm.lock().readLock().lock();
        try {
            mm.checkLive();
            Vma vma = va >= 0 && va < MmapLayout.TASK_SIZE ? mm.vmas().find(va) : null;
            if (vma == null) {
                machine.metrics().failedFaults.increment();
                return Outcome.fail(Errno.EFAULT, "no VMA contains " + Ram.hex(va));
            }
            if (!vma.prot().allows(access)) {
                machine.metrics().failedFaults.increment();
                return Outcome.fail(Errno.EACCES, access.name().toLowerCase() + " access to a VMA with prot \"" + vma.prot() + "\"");
            }
            if (privileged && access == Access.EXEC) {
                machine.metrics().failedFaults.increment();
                return Outcome.fail(Errno.EACCES, "privileged instruction fetch from a user page (user pages are PXN)");
            }
            return Outcome.ok(install(mm, va & ~0xfffL, vma.prot(), access == Access.WRITE).kind());
        } catch (ErrnoException e) {
            machine.metrics().failedFaults.increment();
            return Outcome.fail(e.errno(), e.getMessage());
        } finally {
            mm.lock().readLock().unlock();
        }
    }

    /**
     * Makes the page at {@code va} present (young, and dirty for a write) and returns its
     * physical address. The caller checked the VMA allows the access and holds the mmap lock.
     */
    public long faultIn(Mm mm, long va, Prot prot, boolean write) {
        return install(mm, va, prot, write).pa();
    }

    private Installed install(Mm mm, long va, Prot prot, boolean write) {
        PageTable pt = mm.pageTable();
        Ram ram = machine.ram();
        long ptep = pt.ensure(va);
        while (true) {
            long d = pt.read(ptep);
            if (d == 0) {
                int pfn = machine.frames().allocateUser(FrameUse.ANON);
                long fresh = prot.descriptor(ram.pa(pfn), true, write);
                if (pt.compareAndSet(ptep, 0, fresh)) {
                    mm.countResident(1);
                    machine.metrics().anonFaults.increment();
                    return new Installed(ram.pa(pfn), Kind.MAJOR);
                }
                machine.frames().free(pfn);
            } else if (Pte.isSwapEntry(d)) {
                long slot = Pte.SWP_OFFSET.get(d);
                byte[] page = machine.swap().load(slot);
                if (page == null || pt.read(ptep) != d) {
                    // Another fault on this entry won and freed the slot (it may already hold some
                    // other page). The slot cannot come back to this descriptor while we hold the
                    // mmap lock: swapping out needs it for writing. Re-read the descriptor.
                    continue;
                }
                int pfn = machine.frames().allocateUser(FrameUse.ANON);
                ram.write(ram.pa(pfn), page, 0, 4096);
                // The slot is freed at once (no swap cache): the frame holds the only copy, so it is dirty.
                long fresh = prot.descriptor(ram.pa(pfn), true, true);
                if (pt.compareAndSet(ptep, d, fresh)) {
                    machine.swap().free(slot);
                    mm.countSwapped(-1);
                    mm.countResident(1);
                    machine.metrics().swapInFaults.increment();
                    return new Installed(ram.pa(pfn), Kind.SWAP_IN);
                }
                machine.frames().free(pfn);
            } else if (Pte.isValid(d)) {
                long updated = Pte.AF.with(d, 1);
                if (write && !Pte.isHwWritable(updated)) {
                    if (!Pte.isWritePermitted(updated)) {
                        throw new IllegalStateException("descriptor " + Ram.hex(d) + " of " + Ram.hex(va)
                                + " is read-only in a VMA that allows writes");
                    }
                    updated = Pte.AP_RDONLY.with(updated, 0);
                }
                if (updated == d || pt.compareAndSet(ptep, d, updated)) {
                    if (updated != d) {
                        machine.metrics().minorFaults.increment();
                    }
                    return new Installed(Pte.outputAddress(d), Kind.MINOR);
                }
            } else {
                throw new IllegalStateException("descriptor " + Ram.hex(d) + " of " + Ram.hex(va) + " is neither a page nor a swap entry");
            }
        }
    }
}
