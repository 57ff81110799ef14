package org.svafabric.api.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultSpec;
import org.svafabric.api.faults.FaultyMemoryBus;

/** The buffer-oriented bus calls: their default implementations, and the fault checks they go through. */
class MemoryBusBufferTest {
    private final LocalMemoryBus ram = new LocalMemoryBus();

    @Test
    void aReadOfSeveralRangesFillsOneBufferFromTheOffset() {
        ram.write(0x10_0000, new byte[] {1, 2, 3});
        ram.write(0x20_0ffe, new byte[] {4, 5, 6, 7}); // crosses a frame
        byte[] dst = new byte[12];
        Arrays.fill(dst, (byte) -1);
        ram.readInto(List.of(new MemoryBus.Range(0x10_0000, 3), new MemoryBus.Range(0x30_0000, 0), new MemoryBus.Range(0x20_0ffe, 4)), dst, 2);
        assertThat(dst).containsExactly(-1, -1, 1, 2, 3, 4, 5, 6, 7, -1, -1, -1);
    }

    @Test
    void aWriteFromABufferSpreadsItOverTheRanges() {
        byte[] src = {9, 1, 2, 3, 4, 5, 9};
        ram.writeFrom(List.of(new MemoryBus.Range(0x10_0000, 2), new MemoryBus.Range(0x40_0000, 3)), src, 1);
        assertThat(ram.read(0x10_0000, 2)).containsExactly(1, 2);
        assertThat(ram.read(0x40_0000, 3)).containsExactly(3, 4, 5);
    }

    @Test
    void aBufferTooShortForTheBatchIsRefusedBeforeAnythingMoves() {
        assertThatThrownBy(() -> ram.writeFrom(List.of(new MemoryBus.Range(0x10_0000, 2), new MemoryBus.Range(0x40_0000, 3)), new byte[4], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(ram.touchedFrames()).isZero();
        assertThatThrownBy(() -> ram.readInto(List.of(new MemoryBus.Range(0x10_0000, 8)), new byte[8], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anEmptyBatchMovesNothing() {
        ram.readInto(List.of(), new byte[0], 0);
        ram.writeFrom(List.of(), new byte[0], 0);
        assertThat(ram.touchedFrames()).isZero();
    }

    @Test
    void faultInjectionSeesTheBufferCalls() {
        FaultInjector faults = new FaultInjector("device-service", e -> { });
        FaultyMemoryBus bus = new FaultyMemoryBus(ram, faults);
        bus.writeFrom(List.of(new MemoryBus.Range(0x10_0000, 2)), new byte[] {5, 6}, 0);
        faults.arm(List.of(new FaultSpec("bus-error", null, "device-service", null, null)));
        assertThatThrownBy(() -> bus.writeFrom(List.of(new MemoryBus.Range(0x10_0000, 2)), new byte[] {7, 7}, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        assertThatThrownBy(() -> bus.readInto(List.of(new MemoryBus.Range(0x10_0000, 2)), new byte[2], 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        faults.clear();
        byte[] back = new byte[2];
        bus.readInto(List.of(new MemoryBus.Range(0x10_0000, 2)), back, 0);
        assertThat(back).as("the refused write wrote nothing").containsExactly(5, 6);
    }
}
