package org.svafabric.mm.process;

/** A virtual memory area: anonymous private memory over [start, end), page aligned, one protection. */
public record Vma(long start, long end, Prot prot) {

    public Vma {
        if (start >= end || (start & 0xfff) != 0 || (end & 0xfff) != 0) {
            throw new IllegalArgumentException("bad VMA [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")");
        }
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long va) {
        return va >= start && va < end;
    }
}
