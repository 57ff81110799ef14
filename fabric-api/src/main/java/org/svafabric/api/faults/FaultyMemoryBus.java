package org.svafabric.api.faults;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * A service's memory bus with the bus faults beside it: before each call, {@code bus-latency}
 * adds its delay and {@code bus-error} fails the call as a bus abort would (EIO), which the
 * caller's model handles as it handles any bus error (a DMA job faults, a table walk aborts).
 */
public final class FaultyMemoryBus implements MemoryBus {
    private final MemoryBus bus;
    private final FaultInjector faults;

    public FaultyMemoryBus(MemoryBus bus, FaultInjector faults) {
        this.bus = bus;
        this.faults = faults;
    }

    private void beforeCall(String what, long pa) {
        faults.fire(FaultKind.BUS_LATENCY, null).ifPresent(f -> sleep(f.delayOrDefault()));
        if (faults.fire(FaultKind.BUS_ERROR, null).isPresent()) {
            throw new ErrnoException(Errno.EIO, "bus-error", HttpStatus.BAD_GATEWAY,
                    "memory bus error on " + what + " at 0x" + Long.toHexString(pa) + " (injected bus-error fault)");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public byte[] read(long pa, int length) {
        beforeCall("read", pa);
        return bus.read(pa, length);
    }

    @Override
    public void write(long pa, byte[] data) {
        beforeCall("write", pa);
        bus.write(pa, data);
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        beforeCall("compare-and-swap", pa);
        return bus.compareAndSwap64(pa, expected, update);
    }

    @Override
    public List<byte[]> readBatch(List<Range> ranges) {
        beforeCall("read", ranges.isEmpty() ? 0 : ranges.get(0).pa());
        return bus.readBatch(ranges);
    }

    @Override
    public void writeBatch(List<Write> writes) {
        beforeCall("write", writes.isEmpty() ? 0 : writes.get(0).pa());
        bus.writeBatch(writes);
    }

    @Override
    public void readInto(List<Range> ranges, byte[] dst, int offset) {
        beforeCall("read", ranges.isEmpty() ? 0 : ranges.get(0).pa());
        bus.readInto(ranges, dst, offset);
    }

    @Override
    public void writeFrom(List<Range> ranges, byte[] src, int offset) {
        beforeCall("write", ranges.isEmpty() ? 0 : ranges.get(0).pa());
        bus.writeFrom(ranges, src, offset);
    }

    @Override
    public long allocKernelPages(String owner, int count) {
        return bus.allocKernelPages(owner, count);
    }

    @Override
    public void freeKernelPages(String owner, long pa, int count) {
        bus.freeKernelPages(owner, pa, count);
    }
}
