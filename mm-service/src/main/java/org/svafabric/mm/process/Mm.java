package org.svafabric.mm.process;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.mm.asid.MmContext;
import org.svafabric.mm.notifier.MmuNotifierChain;
import org.svafabric.mm.pagetable.PageTable;

/**
 * A process address space (mm_struct): its stage-1 page tables, VMAs, ASID context, MMU
 * notifiers and pinned pages.
 *
 * <p>Locking follows Linux's mmap_lock: faults, CPU accesses and pinning hold it for reading
 * (they only add pages, racing through compare-and-swap on descriptors); anything that removes
 * or downgrades a mapping (munmap, mprotect, reclaim, exit) holds it for writing, so it never
 * races a fault on the same mm. Reclaim on behalf of another mm only try-locks. The memory bus
 * never takes this lock.
 */
public final class Mm {
    private final long pid;
    private final PageTable pageTable;
    private final VmaTree vmas = new VmaTree();
    private final ReentrantReadWriteLock mmapLock = new ReentrantReadWriteLock();
    private final MmContext context = new MmContext();
    private final MmuNotifierChain notifiers;
    private final PinnedPages pins = new PinnedPages();
    private final AtomicLong resident = new AtomicLong();
    private final AtomicLong swapped = new AtomicLong();
    private final int cpu;
    private volatile boolean exiting;
    private volatile boolean torn;

    Mm(long pid, Machine machine) {
        this.pid = pid;
        this.pageTable = new PageTable(machine.frames());
        this.notifiers = machine.notifiers().newChain();
        this.cpu = (int) (pid % machine.asids().cpus());
        machine.asids().switchTo(context, cpu);
    }

    public long pid() {
        return pid;
    }

    public PageTable pageTable() {
        return pageTable;
    }

    /** Guarded by {@link #lock()}. */
    public VmaTree vmas() {
        return vmas;
    }

    public ReentrantReadWriteLock lock() {
        return mmapLock;
    }

    public MmContext context() {
        return context;
    }

    public MmuNotifierChain notifiers() {
        return notifiers;
    }

    public PinnedPages pins() {
        return pins;
    }

    /** The simulated CPU this mm runs on (fixed affinity), for ASID switching. */
    public int cpu() {
        return cpu;
    }

    public long residentPages() {
        return resident.get();
    }

    public long swappedPages() {
        return swapped.get();
    }

    public void countResident(long delta) {
        resident.addAndGet(delta);
    }

    public void countSwapped(long delta) {
        swapped.addAndGet(delta);
    }

    /** True once exit_mmap ran: the page tables are gone. */
    public boolean isTorn() {
        return torn;
    }

    void markTorn() {
        torn = true;
    }

    /** The owner started exiting: no new mapping, access or fault may start (set under the write lock). */
    void markExiting() {
        exiting = true;
    }

    public boolean isLive() {
        return !exiting && !torn;
    }

    /** Throws ESRCH if the owner is exiting or the address space is gone (checked under the mmap lock). */
    public void checkLive() {
        if (exiting || torn) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " has exited");
        }
    }
}
