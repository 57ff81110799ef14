package org.svafabric.mm.swap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.process.Machine;
import org.svafabric.mm.process.MmapLayout;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.MmuGather;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Shrinker;

/**
 * Page reclaim into the swap store: of a range, of a number of pages, and under memory
 * pressure (the allocator's {@link Shrinker}).
 *
 * <p>Victims are chosen by the Access Flag, as arm64 Linux ages pages: a page whose AF is
 * clear was not accessed since it was last aged and is reclaimed first; if that is not
 * enough, young pages are aged (AF cleared, then the MMU notifiers invalidate them so that a
 * device's cached translation cannot hide an access: the next access re-walks and sets AF
 * through HTTU) and those still old afterwards are reclaimed. Pinned frames are never reclaimed.
 *
 * <p>Swapping out one page: reserve a slot, replace the descriptor by its swap entry, invalidate
 * (every subscriber acknowledges), and only then copy the bytes to the slot and free the frame,
 * because until the acknowledgement a device may still write through a cached translation.
 */
public final class PageReclaim implements Shrinker {
    private static final Logger log = LoggerFactory.getLogger(PageReclaim.class);

    private record Candidate(long va, long ptep) {
    }

    private final Machine machine;
    private final Supplier<Collection<Mm>> mms;
    private final AtomicInteger cursor = new AtomicInteger();

    public PageReclaim(Machine machine, Supplier<Collection<Mm>> mms) {
        this.machine = machine;
        this.mms = mms;
    }

    /** Reclaims every resident, unpinned page of [start, start+length); ENOMEM if part of it is not mapped. */
    public long reclaimRange(Mm mm, long start, long length) {
        if (!Vmsa.isPageAligned(start)) {
            throw ErrnoException.invalid("reclaim address " + Ram.hex(start) + " is not page aligned");
        }
        if (length <= 0) {
            throw ErrnoException.invalid("reclaim length must be positive");
        }
        if (start >= MmapLayout.TASK_SIZE || length > MmapLayout.TASK_SIZE - start) {
            throw new ErrnoException(Errno.ENOMEM, "not-mapped", "reclaim range is outside the user address space");
        }
        long end = start + Vmsa.pageUp(length);
        mm.lock().writeLock().lock();
        try {
            mm.checkLive();
            if (!mm.vmas().covers(start, end)) {
                throw new ErrnoException(Errno.ENOMEM, "not-mapped", "part of [" + Ram.hex(start) + ", " + Ram.hex(end) + ") is not mapped");
            }
            List<Candidate> all = new ArrayList<>();
            mm.pageTable().forEach(start, end, (va, ptep, d) -> {
                if (Pte.isValid(d) && !isPinned(d)) {
                    all.add(new Candidate(va, ptep));
                }
            });
            return swapOut(mm, all, false, all.size());
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    /** Reclaims up to {@code pages} of the process's pages, coldest first. */
    public long reclaimCold(Mm mm, long pages) {
        if (pages <= 0) {
            throw ErrnoException.invalid("pages must be positive");
        }
        mm.lock().writeLock().lock();
        try {
            mm.checkLive();
            return reclaimColdLocked(mm, pages);
        } finally {
            mm.lock().writeLock().unlock();
        }
    }

    /**
     * Direct reclaim for the allocator: walks the live address spaces round-robin, skipping any
     * whose mmap lock this thread holds or that stays busy for {@code waitMillis}; never throws.
     */
    @Override
    public long shrink(long frames, long waitMillis) {
        List<Mm> all = new ArrayList<>(mms.get());
        if (all.isEmpty()) {
            return 0;
        }
        int first = Math.floorMod(cursor.getAndIncrement(), all.size());
        long freed = 0;
        for (int i = 0; i < all.size() && freed < frames; i++) {
            Mm mm = all.get((first + i) % all.size());
            if (mm.lock().isWriteLockedByCurrentThread() || mm.lock().getReadHoldCount() > 0) {
                continue;
            }
            if (!tryLock(mm, waitMillis)) {
                continue;
            }
            try {
                if (mm.isLive()) {
                    freed += reclaimColdLocked(mm, frames - freed);
                }
            } catch (ErrnoException e) {
                log.info("reclaim from pid {} failed: {}", mm.pid(), e.getMessage());
            } finally {
                mm.lock().writeLock().unlock();
            }
        }
        return freed;
    }

    private static boolean tryLock(Mm mm, long waitMillis) {
        try {
            return waitMillis == 0 ? mm.lock().writeLock().tryLock() : mm.lock().writeLock().tryLock(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long reclaimColdLocked(Mm mm, long pages) {
        List<Candidate> old = new ArrayList<>();
        List<Candidate> young = new ArrayList<>();
        mm.pageTable().forEach(0, MmapLayout.TASK_SIZE, (va, ptep, d) -> {
            if (Pte.isValid(d) && !isPinned(d)) {
                (Pte.AF.isSet(d) ? young : old).add(new Candidate(va, ptep));
            }
        });
        long freed = swapOut(mm, old, true, pages);
        if (freed < pages && !young.isEmpty()) {
            age(mm, young);
            freed += swapOut(mm, young, true, pages - freed);
        }
        return freed;
    }

    /** Clears the Access Flag of young pages and invalidates them, so a later access shows up as AF set again. */
    private void age(Mm mm, List<Candidate> young) {
        MmuGather tlb = new MmuGather(mm, machine.asids(), "clear-young");
        for (Candidate c : young) {
            while (true) {
                long d = tlb.currentDescriptor(c.ptep());
                if (!Pte.isValid(d) || !Pte.AF.isSet(d) || tlb.replace(c.va(), c.ptep(), d, Pte.AF.with(d, 0))) {
                    break;
                }
            }
        }
        tlb.flush();
        machine.metrics().agedPages.increment(tlb.changes().size());
    }

    /** Swaps out up to {@code max} candidates; with {@code onlyOld}, skips any that became young. */
    private long swapOut(Mm mm, List<Candidate> candidates, boolean onlyOld, long max) {
        if (candidates.isEmpty() || max <= 0) {
            return 0;
        }
        MmuGather tlb = new MmuGather(mm, machine.asids(), "reclaim");
        List<Long> slots = new ArrayList<>();
        try {
            for (Candidate c : candidates) {
                if (tlb.changes().size() >= max) {
                    break;
                }
                long slot = machine.swap().reserve();
                if (!replaceBySwapEntry(tlb, c, slot, onlyOld)) {
                    machine.swap().free(slot);
                } else {
                    slots.add(slot);
                }
            }
        } catch (ErrnoException swapFull) {
            if (tlb.changes().isEmpty()) {
                throw swapFull;
            }
        }
        try {
            tlb.flush();
        } catch (ErrnoException e) {
            slots.forEach(machine.swap()::free);
            throw e;
        }
        Ram ram = machine.ram();
        for (MmuGather.Change c : tlb.changes()) {
            int pfn = ram.pfn(Pte.outputAddress(c.old()));
            long slot = Pte.SWP_OFFSET.get(c.now());
            boolean zero = ram.isZero(pfn);
            machine.swap().store(slot, zero ? null : ram.copyFrame(pfn), zero);
            machine.frames().free(pfn);
            mm.countResident(-1);
            mm.countSwapped(1);
            machine.metrics().swapOuts.increment();
        }
        return tlb.changes().size();
    }

    private boolean replaceBySwapEntry(MmuGather tlb, Candidate c, long slot, boolean onlyOld) {
        while (true) {
            long d = tlb.currentDescriptor(c.ptep());
            if (!Pte.isValid(d) || isPinned(d) || (onlyOld && Pte.AF.isSet(d))) {
                return false;
            }
            if (tlb.replace(c.va(), c.ptep(), d, Pte.swapEntry(slot))) {
                return true;
            }
        }
    }

    private boolean isPinned(long d) {
        Ram ram = machine.ram();
        return ram.pinCount(ram.pfn(Pte.outputAddress(d))) > 0;
    }
}
