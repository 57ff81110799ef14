package org.svafabric.iommu.hw.testing;

import org.svafabric.api.bus.LocalMemoryBus;

/** RAM whose reads or writes in one range abort, like an external abort on the interconnect. */
public final class FaultyBus extends LocalMemoryBus {
    private volatile long from = -1;
    private volatile long to = -1;
    private volatile boolean reads;
    private volatile boolean writes;

    public void failWrites(long from, long to) {
        this.from = from;
        this.to = to;
        this.writes = true;
    }

    public void failReads(long from, long to) {
        this.from = from;
        this.to = to;
        this.reads = true;
    }

    public void heal() {
        reads = false;
        writes = false;
    }

    private boolean hits(long pa, int length) {
        return pa < to && pa + length > from;
    }

    @Override
    public byte[] read(long pa, int length) {
        if (reads && hits(pa, length)) {
            throw new IllegalStateException("external abort reading 0x" + Long.toHexString(pa));
        }
        return super.read(pa, length);
    }

    @Override
    public void write(long pa, byte[] data) {
        if (writes && hits(pa, data.length)) {
            throw new IllegalStateException("external abort writing 0x" + Long.toHexString(pa));
        }
        super.write(pa, data);
    }
}
