package org.svafabric.mm.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.notifier.MmuNotifiers;
import org.svafabric.mm.notifier.NotifierTransport;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Watermarks;
import org.svafabric.mm.swap.PageReclaim;
import org.svafabric.mm.swap.SwapStore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A small machine for model tests, wired as MmConfiguration wires the real one, without Spring. */
public final class TestMachine {
    public static final long RAM_BASE = 0x4000_0000L;

    public final Machine machine;
    public final ProcessTable processes;
    public final PageFaults faults;
    public final MemoryMap memoryMap;
    public final CpuAccess cpu;
    public final Gup gup;
    public final PageReclaim reclaim;

    public TestMachine(int frames, Watermarks watermarks, NotifierTransport transport, Duration timeout, int asidBits) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Ram ram = new Ram(RAM_BASE, (long) frames << 12);
        FrameAllocator allocator = new FrameAllocator(ram, watermarks, meters);
        machine = new Machine(ram, allocator, new SwapStore(1 << 16, meters), new AsidAllocator(asidBits, 4, meters),
                new MmuNotifiers(transport, timeout, timeout, meters), new MmMetrics(meters), meters, 1L << 24);
        processes = new ProcessTable(machine, ProcessJournal.NONE);
        faults = new PageFaults(machine);
        memoryMap = new MemoryMap(machine, faults, ProcessJournal.NONE);
        cpu = new CpuAccess(machine, faults);
        gup = new Gup(machine, faults);
        reclaim = new PageReclaim(machine, processes::liveMms);
        allocator.setShrinker(reclaim);
    }

    /** 16 MiB of RAM, no memory pressure, notifiers acknowledged at once. */
    public static TestMachine small() {
        return new TestMachine(4096, new Watermarks(0, 0, 0), acking(), Duration.ofSeconds(1), 16);
    }

    public static NotifierTransport acking() {
        return (url, body, timeout) -> CompletableFuture.completedFuture(null);
    }

    public Mm newMm() {
        return processes.create("test", 1000).mm();
    }
}
