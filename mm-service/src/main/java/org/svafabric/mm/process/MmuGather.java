package org.svafabric.mm.process;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.pagetable.DetachedTable;
import org.svafabric.mm.pagetable.PageTable;

/**
 * Gathers the descriptor changes of one operation (Linux's struct mmu_gather), so that the
 * secondary TLBs are invalidated once for the whole range and nothing is freed before that:
 * <ol>
 * <li>change descriptors ({@link #replace}, {@link #clear}) and unhook empty tables,</li>
 * <li>{@link #flush}: the MMU notifiers' invalidate_range; every subscriber acknowledged,</li>
 * <li>only then the caller frees frames, swap slots, and {@link #freeTables tables}.</li>
 * </ol>
 * If the flush fails, every change is undone (tables hooked back, descriptors restored) and
 * the error propagates: the operation failed cleanly with nothing freed. A restored descriptor
 * keeps any Access/Dirty flag hardware set meanwhile. The caller holds the mmap lock for writing.
 */
public final class MmuGather {
    /** One descriptor change: at {@code ptep} (mapping {@code va}), {@code old} became {@code now}. */
    public record Change(long va, long ptep, long old, long now) {
        public boolean wasPresent() {
            return Pte.isValid(old);
        }
    }

    private final Mm mm;
    private final AsidAllocator asids;
    private final String reason;
    private final List<Change> changes = new ArrayList<>();
    private final List<DetachedTable> tables = new ArrayList<>();
    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;
    private boolean flushed;

    public MmuGather(Mm mm, AsidAllocator asids, String reason) {
        this.mm = mm;
        this.asids = asids;
        this.reason = reason;
    }

    /** Replaces descriptor {@code expected} by {@code now} if it is still {@code expected}; records it. */
    public boolean replace(long va, long ptep, long expected, long now) {
        if (!mm.pageTable().compareAndSet(ptep, expected, now)) {
            return false;
        }
        record(new Change(va, ptep, expected, now));
        return true;
    }

    public long currentDescriptor(long ptep) {
        return mm.pageTable().read(ptep);
    }

    /** Clears a descriptor atomically (ptep_get_and_clear: no hardware flag update is lost); returns the old value. */
    public long clear(long va, long ptep) {
        long old = mm.pageTable().getAndSet(ptep, 0);
        if (old != 0) {
            record(new Change(va, ptep, old, 0));
        }
        return old;
    }

    /** Unhooks the now-empty tables of [from, to) (freed by {@link #freeTables} after the flush). */
    public void detachTables(long from, long to) {
        List<DetachedTable> detached = mm.pageTable().detachEmptyTables(from, to);
        if (!detached.isEmpty()) {
            tables.addAll(detached);
            widen(from, to);
        }
    }

    /** Extends the range to invalidate (munmap invalidates all of its range). */
    public void widen(long from, long to) {
        start = Math.min(start, from);
        end = Math.max(end, to);
    }

    public List<Change> changes() {
        return changes;
    }

    /**
     * invalidate_range over everything gathered, when a cached translation can exist: some
     * descriptor that was valid changed, or a table went. Undoes everything and rethrows if a
     * subscriber does not acknowledge.
     */
    public void flush() {
        boolean cached = !tables.isEmpty() || changes.stream().anyMatch(Change::wasPresent);
        if (cached && start < end) {
            try {
                mm.notifiers().invalidateRange(mm.pid(), asids.asidOf(mm.context()), start, end, reason);
            } catch (ErrnoException e) {
                rollback();
                throw e;
            }
        }
        flushed = true;
    }

    /** Frees the unhooked tables; only after a successful {@link #flush}. */
    public void freeTables() {
        if (!flushed) {
            throw new IllegalStateException("tables freed before the TLB flush");
        }
        PageTable pt = mm.pageTable();
        for (DetachedTable t : tables) {
            pt.free(t);
        }
        tables.clear();
    }

    /** Undoes every change, newest first: tables were unhooked after their descriptors changed. */
    public void rollback() {
        PageTable pt = mm.pageTable();
        for (int i = tables.size() - 1; i >= 0; i--) {
            pt.reattach(tables.get(i));
        }
        tables.clear();
        for (int i = changes.size() - 1; i >= 0; i--) {
            Change c = changes.get(i);
            while (true) {
                long current = pt.read(c.ptep());
                long restored = keepHardwareFlags(c.old(), current, c.now());
                if (pt.compareAndSet(c.ptep(), current, restored)) {
                    break;
                }
            }
        }
        changes.clear();
    }

    private void record(Change c) {
        changes.add(c);
        widen(c.va(), c.va() + 4096);
    }

    /**
     * {@code old}, plus the Access flag and hardware dirty state the SMMU's HTTU may have set on
     * {@code current} while it replaced {@code now} (only possible if {@code now} was valid).
     */
    static long keepHardwareFlags(long old, long current, long now) {
        if (current == now || !Pte.isValid(current) || !Pte.isValid(old)) {
            return old;
        }
        long r = old;
        if (Pte.AF.isSet(current)) {
            r = Pte.AF.with(r, 1);
        }
        if (Pte.isDirty(current) && !Pte.isDirty(now) && Pte.isWritePermitted(old)) {
            r = Pte.AP_RDONLY.with(r, 0);
        }
        return r;
    }
}
