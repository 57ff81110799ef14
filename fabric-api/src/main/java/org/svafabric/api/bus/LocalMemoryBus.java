package org.svafabric.api.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory bus over RAM held in this JVM: sparse 4 KiB frames created on first write (an
 * untouched frame reads as zeros and costs nothing), 64-bit compare-and-swap, and a simple
 * bump allocator for kernel pages. It stands in for mm-service in unit tests and
 * micro-benchmarks of the hardware models; it is not the fabric's RAM.
 */
public class LocalMemoryBus implements MemoryBus {
    private static final int FRAME_SHIFT = 12;
    private static final int FRAME_SIZE = 1 << FRAME_SHIFT;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ConcurrentHashMap<Long, byte[]> frames = new ConcurrentHashMap<>();
    private final long size;
    private final AtomicLong nextKernelPage;

    /** RAM of {@code size} bytes; kernel pages are handed out from {@code kernelBase} upwards. */
    public LocalMemoryBus(long size, long kernelBase) {
        this.size = size;
        this.nextKernelPage = new AtomicLong(kernelBase);
    }

    public LocalMemoryBus() {
        this(1L << 30, 1L << 28);
    }

    public long size() {
        return size;
    }

    /** Frames that were ever written (host memory actually used). */
    public int touchedFrames() {
        return frames.size();
    }

    @Override
    public byte[] read(long pa, int length) {
        check(pa, length);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long a = pa + done;
            int off = (int) (a & (FRAME_SIZE - 1));
            int n = Math.min(length - done, FRAME_SIZE - off);
            byte[] f = frames.get(a >>> FRAME_SHIFT);
            if (f != null) {
                System.arraycopy(f, off, out, done, n);
            }
            done += n;
        }
        return out;
    }

    @Override
    public void write(long pa, byte[] data) {
        check(pa, data.length);
        int done = 0;
        while (done < data.length) {
            long a = pa + done;
            int off = (int) (a & (FRAME_SIZE - 1));
            int n = Math.min(data.length - done, FRAME_SIZE - off);
            System.arraycopy(data, done, frame(a), off, n);
            done += n;
        }
    }

    @Override
    public long read64(long pa) {
        checkAligned(pa);
        byte[] f = frames.get(pa >>> FRAME_SHIFT);
        return f == null ? 0 : (long) LONGS.getVolatile(f, (int) (pa & (FRAME_SIZE - 1)));
    }

    @Override
    public void write64(long pa, long value) {
        checkAligned(pa);
        LONGS.setVolatile(frame(pa), (int) (pa & (FRAME_SIZE - 1)), value);
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        checkAligned(pa);
        return (long) LONGS.compareAndExchange(frame(pa), (int) (pa & (FRAME_SIZE - 1)), expected, update);
    }

    @Override
    public long allocKernelPages(String owner, int count) {
        long pa = nextKernelPage.getAndAdd((long) count << FRAME_SHIFT);
        if (pa + ((long) count << FRAME_SHIFT) > size) {
            throw new IllegalStateException("out of kernel pages");
        }
        for (int i = 0; i < count; i++) {
            frames.remove((pa >>> FRAME_SHIFT) + i);
        }
        return pa;
    }

    @Override
    public void freeKernelPages(String owner, long pa, int count) {
        for (int i = 0; i < count; i++) {
            frames.remove((pa >>> FRAME_SHIFT) + i);
        }
    }

    private byte[] frame(long pa) {
        return frames.computeIfAbsent(pa >>> FRAME_SHIFT, k -> new byte[FRAME_SIZE]);
    }

    private void check(long pa, int length) {
        if (pa < 0 || length < 0 || pa + length > size) {
            throw new IllegalArgumentException("physical range 0x" + Long.toHexString(pa) + "+" + length + " is outside RAM");
        }
    }

    private void checkAligned(long pa) {
        check(pa, 8);
        if ((pa & 7) != 0) {
            throw new IllegalArgumentException("64-bit access at 0x" + Long.toHexString(pa) + " is not 8-byte aligned");
        }
    }
}
