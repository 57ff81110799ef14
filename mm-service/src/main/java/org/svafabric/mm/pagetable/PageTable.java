package org.svafabric.mm.pagetable;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.FrameUse;
import org.svafabric.mm.ram.Ram;

/**
 * One process's AArch64 stage-1 translation tables in RAM: 4 KiB granule, 48-bit VA, four
 * levels from the pgd (level 0). The descriptors are real ({@link Pte}), so the SMMU model can
 * walk the same bytes from the pgd physical address it finds in a context descriptor.
 *
 * <p>Concurrency: descriptors are read and written with single-copy-atomic 64-bit accesses.
 * Installing a table or a page uses compare-and-swap from zero, so concurrent faults (which hold
 * the mmap lock for reading) race safely: the loser frees what it allocated. A page descriptor
 * may also change under us by the SMMU's hardware Access/Dirty update (a CAS over the memory
 * bus), so every read-modify-write of a valid descriptor is a CAS loop. Tables are removed only
 * with the mmap lock held for writing.
 */
public final class PageTable {
    private final Ram ram;
    private final FrameAllocator frames;
    private final int pgdPfn;
    private int tableFrames = 1;

    public PageTable(FrameAllocator frames) {
        this.ram = frames.ram();
        this.frames = frames;
        this.pgdPfn = frames.allocateUser(FrameUse.PAGE_TABLE);
    }

    /** Physical address of the level-0 table: what TTBR0_EL1 and a CD's TTB0 hold. */
    public long pgd() {
        return ram.pa(pgdPfn);
    }

    public synchronized int tableFrames() {
        return tableFrames;
    }

    /** A software walk of {@code va}, as the MMU does it; never allocates. */
    public Walk walk(long va) {
        return Walker.walk(ram, pgd(), va);
    }

    /** The level-3 descriptor address of {@code va}, or 0 when a table on the way is missing. */
    public long lookup(long va) {
        long table = pgd();
        for (int level = 0; level < 3; level++) {
            long d = ram.read64(table + (long) Vmsa.index(va, level) * Vmsa.DESCRIPTOR_SIZE);
            if (!Pte.isTable(d, level)) {
                return 0;
            }
            table = Pte.nextTable(d);
        }
        return table + (long) Vmsa.index(va, 3) * Vmsa.DESCRIPTOR_SIZE;
    }

    /** The level-3 descriptor address of {@code va}, allocating missing tables (ENOMEM if RAM is exhausted). */
    public long ensure(long va) {
        long table = pgd();
        for (int level = 0; level < 3; level++) {
            long ptep = table + (long) Vmsa.index(va, level) * Vmsa.DESCRIPTOR_SIZE;
            long d = ram.read64(ptep);
            if (d == 0) {
                int pfn = frames.allocateUser(FrameUse.PAGE_TABLE);
                long fresh = Pte.table(ram.pa(pfn));
                long found = ram.compareAndExchange64(ptep, 0, fresh);
                if (found == 0) {
                    d = fresh;
                    countTable(1);
                } else {
                    frames.free(pfn);
                    d = found;
                }
            }
            if (!Pte.isTable(d, level)) {
                throw new IllegalStateException("level " + level + " descriptor " + Ram.hex(d) + " for VA "
                        + Ram.hex(va) + " is not a table: the CPU side maps no blocks");
            }
            table = Pte.nextTable(d);
        }
        return table + (long) Vmsa.index(va, 3) * Vmsa.DESCRIPTOR_SIZE;
    }

    public long read(long ptep) {
        return ram.read64(ptep);
    }

    public boolean compareAndSet(long ptep, long expected, long update) {
        return ram.compareAndSet64(ptep, expected, update);
    }

    public long getAndSet(long ptep, long value) {
        return ram.getAndSet64(ptep, value);
    }

    /** Visits every non-zero level-3 descriptor in [start, end), skipping absent tables. */
    public void forEach(long start, long end, PteVisitor visitor) {
        if (start < end) {
            visit(pgd(), 0, 0, start, end, visitor);
        }
    }

    private void visit(long table, int level, long tableVa, long start, long end, PteVisitor visitor) {
        long span = Vmsa.levelSize(level);
        int first = start <= tableVa ? 0 : (int) ((start - tableVa) / span);
        for (int i = first; i < Vmsa.ENTRIES_PER_TABLE; i++) {
            long va = tableVa + i * span;
            if (va >= end) {
                return;
            }
            long ptep = table + (long) i * Vmsa.DESCRIPTOR_SIZE;
            long d = ram.read64(ptep);
            if (d == 0) {
                continue;
            }
            if (level == 3) {
                visitor.visit(va, ptep, d);
            } else if (Pte.isTable(d, level)) {
                visit(Pte.nextTable(d), level + 1, va, start, end, visitor);
            }
        }
    }

    /**
     * Unhooks every table below the pgd that covers only [start, end) addresses and holds no
     * descriptor any more (Linux's free_pgtables for an unmapped range). The tables are not
     * freed here: a walk cache may still point at them until the secondary TLBs are invalidated.
     * Requires the mmap lock held for writing (no concurrent fault may install into them).
     */
    public List<DetachedTable> detachEmptyTables(long start, long end) {
        List<DetachedTable> out = new ArrayList<>();
        detach(pgd(), 0, 0, start, end, out);
        return out;
    }

    /** Returns true if the table at {@code table} is empty after detaching. */
    private boolean detach(long table, int level, long tableVa, long start, long end, List<DetachedTable> out) {
        long span = Vmsa.levelSize(level);
        boolean empty = true;
        for (int i = 0; i < Vmsa.ENTRIES_PER_TABLE; i++) {
            long va = tableVa + i * span;
            long ptep = table + (long) i * Vmsa.DESCRIPTOR_SIZE;
            long d = ram.read64(ptep);
            if (d == 0) {
                continue;
            }
            boolean inRange = va < end && va + span > start;
            if (level < 3 && inRange && Pte.isTable(d, level)) {
                boolean childEmpty = detach(Pte.nextTable(d), level + 1, va, start, end, out);
                if (childEmpty && ram.compareAndSet64(ptep, d, 0)) {
                    out.add(new DetachedTable(ptep, d, ram.pfn(Pte.nextTable(d))));
                    continue;
                }
            }
            empty = false;
        }
        return empty;
    }

    /** Hooks a detached table back (rollback of a failed invalidation). */
    public void reattach(DetachedTable t) {
        if (!ram.compareAndSet64(t.parentPtep(), 0, t.parentDescriptor())) {
            throw new IllegalStateException("slot " + Ram.hex(t.parentPtep()) + " was reused while its table was detached");
        }
    }

    /** Frees the frame of a detached table, once nothing can walk it any more. */
    public void free(DetachedTable t) {
        frames.free(t.tablePfn());
        countTable(-1);
    }

    /**
     * Frees every table frame, pgd included (exit_mmap's free_pgtables + pgd_free). The caller has
     * already dealt with the pages they mapped; no walker may use the tables afterwards.
     */
    public void destroy() {
        destroy(pgd(), 0);
        frames.free(pgdPfn);
        countTable(-1);
    }

    private void destroy(long table, int level) {
        if (level == 3) {
            return;
        }
        for (int i = 0; i < Vmsa.ENTRIES_PER_TABLE; i++) {
            long d = ram.read64(table + (long) i * Vmsa.DESCRIPTOR_SIZE);
            if (Pte.isTable(d, level)) {
                destroy(Pte.nextTable(d), level + 1);
                frames.free(ram.pfn(Pte.nextTable(d)));
                countTable(-1);
            }
        }
    }

    private synchronized void countTable(int delta) {
        tableFrames += delta;
    }
}
