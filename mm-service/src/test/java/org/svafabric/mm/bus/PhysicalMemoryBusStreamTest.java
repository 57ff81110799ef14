package org.svafabric.mm.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Watermarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The bus's streamed reads and writes (what the bus servlet calls), against RAM with allocated and free frames. */
class PhysicalMemoryBusStreamTest {
    private static final long BASE = 0x4000_0000L;

    private final Ram ram = new Ram(BASE, 64 * 4096);
    private final KernelPageAllocator pages = new KernelPageAllocator(new FrameAllocator(ram, new Watermarks(0, 0, 0), new SimpleMeterRegistry()));
    private final PhysicalMemoryBus bus = new PhysicalMemoryBus(ram, pages, 1 << 20, new SimpleMeterRegistry());
    private final long a = pages.allocate("test", 4);
    private final long free = BASE + 60 * 4096L;

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private static BusWire.StagedWrites stage(List<MemoryBus.Range> ranges, byte[] src, ByteArrayInputStream[] rest) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BusWire.writeWrites(body, ranges, src, 0);
        rest[0] = new ByteArrayInputStream(body.toByteArray());
        return BusWire.stageWrites(rest[0], body.size());
    }

    @Test
    void aReadOfSeveralRangesStreamsThemConcatenatedWithItsLengthKnownFirst() throws IOException {
        bus.write(a + 4000, filled(200, 1)); // crosses into the second frame
        List<MemoryBus.Range> ranges = List.of(new MemoryBus.Range(a + 4000, 200), new MemoryBus.Range(a + 3 * 4096, 16),
                new MemoryBus.Range(a, 0));
        PhysicalMemoryBus.CheckedRead r = bus.checkRead(ranges);
        assertThat(r.length()).isEqualTo(216);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.writeTo(out);
        byte[] expected = Arrays.copyOf(filled(200, 1), 216); // the untouched frame reads as zeros
        assertThat(out.toByteArray()).isEqualTo(expected);
    }

    @Test
    void aReadTouchingAFreeFrameIsRefusedBeforeItsLengthIsAnswered() {
        assertThatThrownBy(() -> bus.checkRead(List.of(new MemoryBus.Range(a, 8), new MemoryBus.Range(free, 8))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
        assertThatThrownBy(() -> bus.checkRead(List.of(new MemoryBus.Range(0x1000, 8))))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void aStreamedWriteLandsInTheFramesStagedSegmentsAndTheLastOne() throws IOException {
        byte[] src = filled(5000 + 300, 7);
        List<MemoryBus.Range> ranges = List.of(new MemoryBus.Range(a + 3 * 4096, 300), new MemoryBus.Range(a + 100, 5000));
        ByteArrayInputStream[] rest = new ByteArrayInputStream[1];
        BusWire.StagedWrites w = stage(ranges, src, rest);
        assertThat(w.staged()).hasSize(1);
        bus.writeStaged(w, rest[0]);
        assertThat(bus.read(a + 3 * 4096, 300)).isEqualTo(Arrays.copyOfRange(src, 0, 300));
        assertThat(bus.read(a + 100, 5000)).isEqualTo(Arrays.copyOfRange(src, 300, 5300));
    }

    @Test
    void aWriteTouchingAFreeFrameAnywhereWritesNothing() throws IOException {
        bus.write(a, filled(64, 100));
        byte[] before = bus.read(a, 4 * 4096);
        for (List<MemoryBus.Range> ranges : List.of(
                List.of(new MemoryBus.Range(a, 32), new MemoryBus.Range(free, 32)),                 // the last segment
                List.of(new MemoryBus.Range(a, 32), new MemoryBus.Range(free, 8), new MemoryBus.Range(a + 4096, 24)),  // one in the middle
                List.of(new MemoryBus.Range(free + 4000, 32)),                                       // the only one
                List.of(new MemoryBus.Range(a + 4 * 4096 - 16, 32)))) {                               // runs into a free frame
            byte[] src = filled(64, 1);
            ByteArrayInputStream[] rest = new ByteArrayInputStream[1];
            BusWire.StagedWrites w = stage(ranges, src, rest);
            assertThatThrownBy(() -> bus.writeStaged(w, rest[0]))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
            assertThat(bus.read(a, 4 * 4096)).as("RAM after %s", ranges).isEqualTo(before);
        }
        assertThat(ram.use(ram.pfn(free)).name()).isEqualTo("FREE");
    }

    @Test
    void aWriteCutOffInsideItsLastSegmentSaysSo() throws IOException {
        byte[] src = filled(100, 3);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BusWire.writeWrites(body, List.of(new MemoryBus.Range(a, 100)), src, 0);
        ByteArrayInputStream cut = new ByteArrayInputStream(Arrays.copyOf(body.toByteArray(), 12 + 40));
        BusWire.StagedWrites w = BusWire.stageWrites(cut, body.size());
        assertThatThrownBy(() -> bus.writeStaged(w, cut)).isInstanceOf(EOFException.class);
    }

    @Test
    void anEmptyWriteWritesNothing() throws IOException {
        BusWire.StagedWrites w = BusWire.stageWrites(new ByteArrayInputStream(new byte[0]), 0);
        bus.writeStaged(w, new ByteArrayInputStream(new byte[0]));
        assertThat(ram.touchedFrames()).isZero();
    }
}
