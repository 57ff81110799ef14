package org.svafabric.device.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.testing.PageTableBuilder;

/**
 * A process address space (or a classical DMA domain) for tests: real VMSAv8-64 stage-1 tables
 * (4 KiB granule, 48-bit VA, 4 levels) in a memory bus, written by the shared {@link PageTableBuilder}, with
 * ranges that may be faulted in (the VMAs) and a CPU-side view for reading and writing buffers.
 */
public final class AddressSpace {
    private final MemoryBus ram;
    private final AtomicLong frames;
    private final PageTableBuilder tables;
    private final List<long[]> vmas = new ArrayList<>();

    /** {@code frames}: the shared allocator of data frames (bump pointer). */
    public AddressSpace(MemoryBus ram, AtomicLong frames) {
        this.ram = ram;
        this.frames = frames;
        this.tables = new PageTableBuilder(ram);
    }

    /** A VMA: pages in it may be faulted in (writable if {@code write}). */
    public synchronized void allow(long va, long length, boolean write) {
        vmas.add(new long[] {va, va + length, write ? 1 : 0});
    }

    /** Maps every page of [va, va+length) to a fresh frame now (populate). */
    public void populate(long va, long length, boolean write) {
        allow(va, length, write);
        for (long p = Vmsa.pageDown(va); p < va + length; p += Vmsa.PAGE_SIZE) {
            faultIn(p, write);
        }
    }

    /** handle_mm_fault for one page: maps it if a VMA allows the access; false otherwise. */
    public synchronized boolean faultIn(long va, boolean write) {
        long page = Vmsa.pageDown(va);
        Boolean writable = vmaWritable(page);
        if (writable == null || (write && !writable)) {
            return false;
        }
        if (Pte.isValid(leaf(page))) {
            return true;
        }
        long frame = frames.getAndAdd(Vmsa.PAGE_SIZE);
        map(page, frame, writable);
        return true;
    }

    private Boolean vmaWritable(long page) {
        for (long[] v : vmas) {
            if (page >= v[0] && page < v[1]) {
                return v[2] == 1;
            }
        }
        return null;
    }

    public synchronized void map(long va, long pa, boolean write) {
        tables.mapUser(va, pa, true, write, false, true, true);
    }

    /** Clears the page's descriptor (munmap / reclaim); returns the frame it mapped, or -1. */
    public synchronized long unmap(long va) {
        if (tables.descriptorAddress(va, 3, false) < 0) {
            return -1;
        }
        long d = tables.leaf(va);
        tables.setLeaf(va, 0);
        return Pte.isValid(d) ? Pte.outputAddress(d) : -1;
    }

    /** The table base (TTB0 of a CD for this space). */
    public long pgd() {
        return tables.pgd();
    }

    /** The level-3 descriptor of {@code va} (0 when no table leads there). */
    public long leaf(long va) {
        return tables.leaf(va);
    }

    /** The CPU writes {@code data} at {@code va} (pages must be mapped). */
    public void write(long va, byte[] data) {
        for (int done = 0; done < data.length; ) {
            long a = va + done;
            int n = (int) Math.min(data.length - done, Vmsa.PAGE_SIZE - (a & (Vmsa.PAGE_SIZE - 1)));
            byte[] part = new byte[n];
            System.arraycopy(data, done, part, 0, n);
            ram.write(pa(a), part);
            done += n;
        }
    }

    /** The CPU reads {@code length} bytes at {@code va} (pages must be mapped). */
    public byte[] read(long va, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            long a = va + done;
            int n = (int) Math.min(length - done, Vmsa.PAGE_SIZE - (a & (Vmsa.PAGE_SIZE - 1)));
            System.arraycopy(ram.read(pa(a), n), 0, out, done, n);
            done += n;
        }
        return out;
    }

    private long pa(long va) {
        long d = leaf(va);
        if (!Pte.isValid(d)) {
            throw new IllegalStateException("0x" + Long.toHexString(va) + " is not mapped");
        }
        return Pte.outputAddress(d) + (va & (Vmsa.PAGE_SIZE - 1));
    }
}
