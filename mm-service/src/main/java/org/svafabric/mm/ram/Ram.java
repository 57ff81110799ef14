package org.svafabric.mm.ram;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Vmsa;

/**
 * The machine's physical RAM: {@code frameCount} 4 KiB frames from physical address
 * {@code base}. Sparse: a frame's bytes exist on the host only once something writes to it;
 * an untouched or freed frame reads as zeros and costs one null reference. Per-frame metadata
 * (use, pin count) is dense, like the kernel's struct page array.
 *
 * <p>This class is the storage and the per-frame bookkeeping; it does not decide who may
 * access a frame ({@link org.svafabric.mm.bus.PhysicalMemoryBus} refuses free frames) and does
 * not allocate ({@link FrameAllocator}). Multi-byte values are little-endian, as on arm64.
 * 64-bit accesses are single-copy atomic (VarHandle volatile / compare-and-exchange), so a
 * descriptor updated by the CPU side and by the SMMU's HTTU over the bus is never torn.
 */
public final class Ram {
    private static final int FRAME_SIZE = (int) Vmsa.PAGE_SIZE;
    /** What an untouched frame reads as; never written. */
    private static final byte[] ZERO_FRAME = new byte[FRAME_SIZE];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final int frameCount;
    private final AtomicReferenceArray<byte[]> data;
    private final AtomicIntegerArray use;
    private final AtomicIntegerArray pins;
    private final AtomicLong pinnedFrames = new AtomicLong();
    private final AtomicLong touchedFrames = new AtomicLong();

    public Ram(long base, long sizeBytes) {
        if (!Vmsa.isPageAligned(base) || !Vmsa.isPageAligned(sizeBytes) || sizeBytes <= Vmsa.PAGE_SIZE) {
            throw new IllegalArgumentException("RAM base and size must be page aligned, size more than one page");
        }
        long frames = sizeBytes >>> Vmsa.PAGE_SHIFT;
        if (frames > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RAM of " + sizeBytes + " bytes is too large");
        }
        this.base = base;
        this.frameCount = (int) frames;
        this.data = new AtomicReferenceArray<>(frameCount);
        this.use = new AtomicIntegerArray(frameCount);
        this.pins = new AtomicIntegerArray(frameCount);
    }

    public long base() {
        return base;
    }

    public int frameCount() {
        return frameCount;
    }

    public long end() {
        return base + ((long) frameCount << Vmsa.PAGE_SHIFT);
    }

    /** Frame number (index from the start of RAM) of a physical address inside RAM. */
    public int pfn(long pa) {
        return (int) ((pa - base) >>> Vmsa.PAGE_SHIFT);
    }

    public long pa(int pfn) {
        return base + ((long) pfn << Vmsa.PAGE_SHIFT);
    }

    public boolean contains(long pa, long length) {
        return pa >= base && length >= 0 && pa <= end() && length <= end() - pa;
    }

    /** Frames whose bytes exist on the host (ever written since they were last allocated). */
    public long touchedFrames() {
        return touchedFrames.get();
    }

    // ---- per-frame metadata ----

    public FrameUse use(int pfn) {
        return FrameUse.of(use.get(pfn));
    }

    void setUse(int pfn, FrameUse u) {
        use.set(pfn, u.ordinal());
    }

    /** Drops a frame's bytes so that its next owner reads zeros and the host memory is released. */
    void discard(int pfn) {
        if (data.getAndSet(pfn, null) != null) {
            touchedFrames.decrementAndGet();
        }
    }

    /** Throws EFAULT unless every frame of [pa, pa+length) is allocated to someone. */
    public void checkAllocated(long pa, long length) {
        if (!contains(pa, length)) {
            throw new ErrnoException(Errno.EINVAL, "outside-ram", "physical range " + hex(pa) + "+" + length
                    + " is outside RAM [" + hex(base) + ", " + hex(end()) + ")");
        }
        if (length == 0) {
            return;
        }
        int first = pfn(pa);
        int last = pfn(pa + length - 1);
        for (int f = first; f <= last; f++) {
            int u = use.get(f);
            if (u == FrameUse.FREE.ordinal() || u == FrameUse.RESERVED.ordinal()) {
                throw new ErrnoException(Errno.EFAULT, "frame-not-allocated", "physical frame " + hex(pa(f))
                        + " is " + FrameUse.of(u).name().toLowerCase() + ": no device or service may access it");
            }
        }
    }

    public int pinCount(int pfn) {
        return pins.get(pfn);
    }

    public void pin(int pfn) {
        if (pins.getAndIncrement(pfn) == 0) {
            pinnedFrames.incrementAndGet();
        }
    }

    /** Drops one pin; returns the remaining count. */
    public int unpin(int pfn) {
        int left = pins.decrementAndGet(pfn);
        if (left < 0) {
            pins.incrementAndGet(pfn);
            throw new IllegalStateException("frame " + hex(pa(pfn)) + " was not pinned");
        }
        if (left == 0) {
            pinnedFrames.decrementAndGet();
        }
        return left;
    }

    public long pinnedFrames() {
        return pinnedFrames.get();
    }

    // ---- data ----

    /** One frame's part of an access: {@code n} bytes at {@code frameOffset} of frame {@code pfn}, {@code done} bytes in. */
    private interface Piece {
        void move(int pfn, int frameOffset, int n, int done) throws IOException;
    }

    /** Walks [pa, pa+length) frame by frame: an access may start and end anywhere in a frame. */
    private void walk(long pa, int length, Piece piece) throws IOException {
        int done = 0;
        while (done < length) {
            long a = pa + done;
            int fo = (int) (a & (FRAME_SIZE - 1));
            int n = Math.min(length - done, FRAME_SIZE - fo);
            piece.move(pfn(a), fo, n, done);
            done += n;
        }
    }

    /** The same for accesses that cannot fail: the walk of a byte array. */
    private void walkArray(long pa, int length, Piece piece) {
        try {
            walk(pa, length, piece);
        } catch (IOException e) {
            throw new IllegalStateException("an array copy does no I/O", e);
        }
    }

    public void read(long pa, byte[] dst, int off, int length) {
        walkArray(pa, length, (pfn, fo, n, done) -> {
            byte[] f = data.get(pfn);
            if (f != null) {
                System.arraycopy(f, fo, dst, off + done, n);
            } else {
                java.util.Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            }
        });
    }

    public byte[] read(long pa, int length) {
        byte[] out = new byte[length];
        read(pa, out, 0, length);
        return out;
    }

    public void write(long pa, byte[] src, int off, int length) {
        walkArray(pa, length, (pfn, fo, n, done) -> System.arraycopy(src, off + done, frame(pfn), fo, n));
    }

    /**
     * Writes [pa, pa+length) to {@code out} straight from the frames (an untouched frame as zeros): the bytes are
     * copied once, into the stream's buffer.
     */
    public void readTo(long pa, int length, OutputStream out) throws IOException {
        walk(pa, length, (pfn, fo, n, done) -> {
            byte[] f = data.get(pfn);
            out.write(f != null ? f : ZERO_FRAME, fo, n);
        });
    }

    /**
     * Fills [pa, pa+length) from {@code in}, reading straight into the frames. A stream that ends early leaves what
     * came before written and throws EOFException.
     */
    public void writeFrom(InputStream in, long pa, int length) throws IOException {
        walk(pa, length, (pfn, fo, n, done) -> {
            if (in.readNBytes(frame(pfn), fo, n) != n) {
                throw new EOFException("the data for " + hex(pa) + "+" + length + " ended after " + done + " bytes");
            }
        });
    }

    public long read64(long pa) {
        byte[] f = data.get(pfn(pa));
        return f == null ? 0 : (long) LONGS.getVolatile(f, (int) (pa & (FRAME_SIZE - 1)));
    }

    public void write64(long pa, long value) {
        LONGS.setVolatile(frame(pfn(pa)), (int) (pa & (FRAME_SIZE - 1)), value);
    }

    /** Atomic compare-and-exchange of an aligned 64-bit word; returns the value found. */
    public long compareAndExchange64(long pa, long expected, long update) {
        if (expected == update) {
            // No store needed; avoid materialising an untouched frame just to compare with zero.
            byte[] f = data.get(pfn(pa));
            if (f == null) {
                return 0;
            }
        }
        return (long) LONGS.compareAndExchange(frame(pfn(pa)), (int) (pa & (FRAME_SIZE - 1)), expected, update);
    }

    public boolean compareAndSet64(long pa, long expected, long update) {
        return compareAndExchange64(pa, expected, update) == expected;
    }

    public long getAndSet64(long pa, long value) {
        return (long) LONGS.getAndSet(frame(pfn(pa)), (int) (pa & (FRAME_SIZE - 1)), value);
    }

    /** True when every byte of the frame is zero (an untouched frame trivially is). */
    public boolean isZero(int pfn) {
        byte[] f = data.get(pfn);
        if (f == null) {
            return true;
        }
        for (int i = 0; i < FRAME_SIZE; i += 8) {
            if ((long) LONGS.getVolatile(f, i) != 0) {
                return false;
            }
        }
        return true;
    }

    public byte[] copyFrame(int pfn) {
        byte[] f = data.get(pfn);
        return f == null ? new byte[FRAME_SIZE] : f.clone();
    }

    private byte[] frame(int pfn) {
        byte[] f = data.get(pfn);
        if (f != null) {
            return f;
        }
        byte[] fresh = new byte[FRAME_SIZE];
        if (data.compareAndSet(pfn, null, fresh)) {
            touchedFrames.incrementAndGet();
            return fresh;
        }
        return data.get(pfn);
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
