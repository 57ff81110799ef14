package org.svafabric.mm.process;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.ram.Ram;

/**
 * get_user_pages / unpin_user_pages for classical DMA: pinning faults the pages in (for
 * writing with FOLL_WRITE) and takes a pin on each frame. A pinned frame is never reclaimed,
 * and munmap or exit leave it allocated until its last unpin, so a device that DMAs to a pinned
 * buffer never touches a freed frame.
 */
public final class Gup {
    private final Machine machine;
    private final PageFaults faults;

    public Gup(Machine machine, PageFaults faults) {
        this.machine = machine;
        this.faults = faults;
    }

    /** Pins the pages covering [va, va+length); returns their physical addresses in order. All or nothing. */
    public List<Long> pin(Mm mm, long va, long length, boolean write) {
        long[] range = pageRange(va, length);
        Access access = write ? Access.WRITE : Access.READ;
        mm.lock().readLock().lock();
        try {
            mm.checkLive();
            for (long page = range[0]; page < range[1]; page += Vmsa.PAGE_SIZE) {
                Vma v = mm.vmas().find(page);
                if (v == null || !v.prot().allows(access)) {
                    throw new ErrnoException(Errno.EFAULT, "bad-address", "cannot pin " + Ram.hex(page) + " for "
                            + access.name().toLowerCase() + ": " + (v == null ? "not mapped" : "prot \"" + v.prot() + "\""));
                }
            }
            Ram ram = machine.ram();
            List<Long> pas = new ArrayList<>();
            for (long page = range[0]; page < range[1]; page += Vmsa.PAGE_SIZE) {
                pas.add(faults.faultIn(mm, page, mm.vmas().find(page).prot(), write));
            }
            // Pins are taken only once every page is in: a failed fault above leaves no pin behind.
            for (int i = 0; i < pas.size(); i++) {
                int pfn = ram.pfn(pas.get(i));
                ram.pin(pfn);
                mm.pins().add(range[0] + ((long) i << Vmsa.PAGE_SHIFT), pfn);
            }
            return pas;
        } finally {
            mm.lock().readLock().unlock();
        }
    }

    /** Drops one pin of every page covering [va, va+length); EINVAL (nothing changed) if one is not pinned. */
    public void unpin(Mm mm, long va, long length) {
        long[] range = pageRange(va, length);
        mm.lock().writeLock().lock();
        try {
            for (long page = range[0]; page < range[1]; page += Vmsa.PAGE_SIZE) {
                if (!mm.pins().isPinned(page)) {
                    throw new ErrnoException(Errno.EINVAL, "not-pinned", "page " + Ram.hex(page) + " is not pinned");
                }
            }
            Ram ram = machine.ram();
            for (long page = range[0]; page < range[1]; page += Vmsa.PAGE_SIZE) {
                int pfn = mm.pins().release(page);
                if (ram.unpin(pfn) == 0 && !mapsFrame(mm, page, pfn)) {
                    // munmap or exit already dropped the mapping and left the frame to us.
                    machine.frames().free(pfn);
                }
            }
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    private boolean mapsFrame(Mm mm, long va, int pfn) {
        if (mm.isTorn()) {
            return false;
        }
        long ptep = mm.pageTable().lookup(va);
        if (ptep == 0) {
            return false;
        }
        long d = mm.pageTable().read(ptep);
        return Pte.isValid(d) && machine.ram().pfn(Pte.outputAddress(d)) == pfn;
    }

    private long[] pageRange(long va, long length) {
        if (length <= 0) {
            throw ErrnoException.invalid("length must be positive");
        }
        if (va < 0 || va >= MmapLayout.TASK_SIZE || length > MmapLayout.TASK_SIZE - va) {
            throw new ErrnoException(Errno.EFAULT, "bad-address", "range is outside the user address space");
        }
        long pages = (Vmsa.pageUp(va + length) - Vmsa.pageDown(va)) >>> Vmsa.PAGE_SHIFT;
        if (pages > machine.maxAccessBytes() >>> Vmsa.PAGE_SHIFT) {
            throw new ErrnoException(Errno.E2BIG, "pin-too-large", "one pin call is limited to "
                    + (machine.maxAccessBytes() >>> Vmsa.PAGE_SHIFT) + " pages");
        }
        return new long[] {Vmsa.pageDown(va), Vmsa.pageUp(va + length)};
    }
}
