package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;

/**
 * The io-pgtable of a private (non-SVA) domain: Linux's ARM_64_LPAE_S1 format, i.e. the same VMSAv8-64
 * stage-1 descriptors the CPU uses (4 KiB granule, 48-bit input, four levels), in RAM allocated through the
 * memory bus, so the SMMU model walks it exactly like a process page table.
 *
 * <p>Leaves are built as {@code arm_lpae_prot_to_pte} does for stage 1: nG (tagged by the domain's ASID),
 * AP[1] (unprivileged DMA allowed), AP[2] for read-only, UXN/PXN (DMA never executes), AF already set (the
 * driver does not rely on HTTU for its own tables), Normal memory, Inner Shareable.
 *
 * <p>The driver owns these tables: which table pages exist is its own allocation record (like the kernel
 * knowing what it allocated), while leaf descriptors are read back from RAM, which is what the SMMU sees.
 * Callers serialise map/unmap per domain; translations by the SMMU may run concurrently, which is why a
 * table is written (zeroed) before the descriptor that links it.
 */
public final class IoPgtable {
    private static final int LEAF_LEVEL = 3;

    private final MemoryBus bus;
    private final String owner;
    private final long pgd;
    /** Table page of each (level, VA prefix) that exists below the pgd; key = level << 56 | prefix. */
    private final Map<Long, Long> tables = new HashMap<>();

    public IoPgtable(MemoryBus bus, String owner) {
        this.bus = bus;
        this.owner = owner;
        this.pgd = bus.allocKernelPages(owner, 1);
    }

    /** TTB0 for the domain's CD. */
    public long pgd() {
        return pgd;
    }

    /** T0SZ of the 48-bit input range. */
    public int t0sz() {
        return Vmsa.T0SZ_48;
    }

    /**
     * Maps consecutive pages at {@code iova} to the physical pages {@code pas}, all or nothing: EEXIST when a
     * page of the range is already mapped (iommu_map refuses to replace a mapping), EINVAL for an unaligned
     * address or no access at all.
     */
    public void map(long iova, List<Long> pas, boolean read, boolean write) {
        if (!Vmsa.isPageAligned(iova) || iova < 0 || iova + pas.size() * Vmsa.PAGE_SIZE > Vmsa.USER_VA_END) {
            throw ErrnoException.invalid("IOVA 0x" + Long.toHexString(iova) + " is unaligned or outside the 48-bit input range");
        }
        if (!read && !write) {
            throw ErrnoException.invalid("a mapping needs read or write permission");
        }
        for (long pa : pas) {
            if (!Vmsa.isPageAligned(pa) || pa < 0) {
                throw ErrnoException.invalid("physical address 0x" + Long.toHexString(pa) + " is not page aligned");
            }
        }
        Map<Long, long[]> leafTables = new HashMap<>();
        for (int i = 0; i < pas.size(); i++) {
            long va = iova + i * Vmsa.PAGE_SIZE;
            long table = leafTableFor(va, true);
            long[] existing = leafTables.computeIfAbsent(table, t -> Words.fromBytes(bus.read(t, (int) Vmsa.PAGE_SIZE)));
            if (Pte.isValid(existing[Vmsa.index(va, LEAF_LEVEL)])) {
                throw new ErrnoException(Errno.EEXIST, "iova-mapped", "IOVA 0x" + Long.toHexString(va) + " is already mapped");
            }
        }
        List<MemoryBus.Write> writes = new ArrayList<>(pas.size());
        for (int i = 0; i < pas.size(); i++) {
            long va = iova + i * Vmsa.PAGE_SIZE;
            writes.add(descriptorWrite(leafTableFor(va, false), va, leaf(pas.get(i), write)));
        }
        bus.writeBatch(writes);
    }

    /**
     * Unmaps from {@code iova} up to {@code size} bytes and returns how many bytes were mapped there, stopping
     * at the first hole as iommu_unmap does. The caller invalidates TLBs and ATCs before reusing the pages.
     */
    public long unmap(long iova, long size) {
        if (!Vmsa.isPageAligned(iova) || !Vmsa.isPageAligned(size) || iova < 0 || size <= 0) {
            throw ErrnoException.invalid("unmap needs a page-aligned IOVA and size");
        }
        List<MemoryBus.Write> writes = new ArrayList<>();
        Map<Long, long[]> leafTables = new HashMap<>();
        long done = 0;
        while (done < size && iova + done < Vmsa.USER_VA_END) {
            long va = iova + done;
            Long table = tables.get(key(LEAF_LEVEL, va));
            if (table == null) {
                break;
            }
            long[] entries = leafTables.computeIfAbsent(table, t -> Words.fromBytes(bus.read(t, (int) Vmsa.PAGE_SIZE)));
            if (!Pte.isValid(entries[Vmsa.index(va, LEAF_LEVEL)])) {
                break;
            }
            writes.add(descriptorWrite(table, va, 0));
            done += Vmsa.PAGE_SIZE;
        }
        bus.writeBatch(writes);
        return done;
    }

    /** The physical address {@code iova} maps to, or -1: a software walk over RAM (iova_to_phys). */
    public long iovaToPhys(long iova) {
        Long table = tables.get(key(LEAF_LEVEL, iova));
        if (table == null) {
            return -1;
        }
        long d = bus.read64(table + (long) Vmsa.index(iova, LEAF_LEVEL) * Vmsa.DESCRIPTOR_SIZE);
        return Pte.isValid(d) ? Pte.outputAddress(d) | (iova & (Vmsa.PAGE_SIZE - 1)) : -1;
    }

    /** Frees every table page; the domain is no longer attached anywhere. */
    public void free() {
        for (long t : tables.values()) {
            bus.freeKernelPages(owner, t, 1);
        }
        tables.clear();
        bus.freeKernelPages(owner, pgd, 1);
    }

    /** Table pages in use, the pgd included. */
    public int tablePages() {
        return tables.size() + 1;
    }

    static long leaf(long pa, boolean write) {
        long d = Pte.OA.withAddress(0, pa);
        d = Pte.VALID.with(d, 1);
        d = Pte.TYPE.with(d, 1);
        d = Pte.ATTR_INDX.with(d, Pte.ATTR_NORMAL);
        d = Pte.SH.with(d, Pte.SH_INNER);
        d = Pte.AP_USER.with(d, 1);
        d = Pte.AP_RDONLY.with(d, !write);
        d = Pte.AF.with(d, 1);
        d = Pte.NG.with(d, 1);
        d = Pte.PXN.with(d, 1);
        return Pte.UXN.with(d, 1);
    }

    /** The level-3 table covering {@code va}, allocating the missing levels when {@code create}. */
    private long leafTableFor(long va, boolean create) {
        long table = pgd;
        for (int level = 0; level < LEAF_LEVEL; level++) {
            long k = key(level + 1, va);
            Long next = tables.get(k);
            if (next == null) {
                if (!create) {
                    throw new IllegalStateException("table for level " + (level + 1) + " of 0x" + Long.toHexString(va) + " missing");
                }
                // Allocation zeroes the page: it is empty before the table descriptor makes it reachable.
                next = bus.allocKernelPages(owner, 1);
                bus.write64(table + (long) Vmsa.index(va, level) * Vmsa.DESCRIPTOR_SIZE, Pte.table(next));
                tables.put(k, next);
            }
            table = next;
        }
        return table;
    }

    private static MemoryBus.Write descriptorWrite(long table, long va, long descriptor) {
        byte[] b = new byte[Vmsa.DESCRIPTOR_SIZE];
        Words.putLong(b, 0, descriptor);
        return new MemoryBus.Write(table + (long) Vmsa.index(va, LEAF_LEVEL) * Vmsa.DESCRIPTOR_SIZE, b);
    }

    /** Identifies the table at {@code level} that translates {@code va}: the VA bits above that level's span. */
    private static long key(int level, long va) {
        long prefix = va >>> Vmsa.levelShift(level - 1);
        return ((long) level << 56) | prefix;
    }
}
