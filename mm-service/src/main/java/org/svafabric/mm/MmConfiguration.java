package org.svafabric.mm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.ObjectProvider;
import org.svafabric.api.events.EventLog;
import org.svafabric.mm.events.MmEvents;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.bus.PhysicalMemoryBus;
import org.svafabric.mm.notifier.HttpNotifierTransport;
import org.svafabric.mm.notifier.MmuNotifiers;
import org.svafabric.mm.process.CpuAccess;
import org.svafabric.mm.process.Gup;
import org.svafabric.mm.process.Machine;
import org.svafabric.mm.process.MemoryMap;
import org.svafabric.mm.process.MmMetrics;
import org.svafabric.mm.process.PageFaults;
import org.svafabric.mm.process.ProcessJournal;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.ram.FrameAllocator;
import org.svafabric.mm.ram.KernelPageAllocator;
import org.svafabric.mm.ram.Ram;
import org.svafabric.mm.ram.Watermarks;
import org.svafabric.mm.swap.PageReclaim;
import org.svafabric.mm.swap.SwapStore;

import io.micrometer.core.instrument.MeterRegistry;

/** Builds the machine's CPU side from plain model objects; nothing here holds logic of its own. */
@Configuration
@EnableConfigurationProperties(MmProperties.class)
public class MmConfiguration {
    private static final Logger log = LoggerFactory.getLogger(MmConfiguration.class);

    static final String LOST_REASON = "mm-service restarted: RAM is volatile, so the process's memory is gone";

    /** The CPU side's events, into the service's event log (none without a database). */
    @Bean
    MmEvents mmEvents(ObjectProvider<EventLog> log) {
        EventLog l = log.getIfAvailable();
        return new MmEvents(l == null ? e -> { } : l::emit);
    }

    @Bean
    Ram ram(MmProperties props) {
        return new Ram(props.ram().base(), props.ram().size().toBytes());
    }

    @Bean
    FrameAllocator frameAllocator(Ram ram, MmProperties props, MeterRegistry meters) {
        Watermarks w = Watermarks.linuxDefault(ram.frameCount());
        Long min = props.ram().minFreeFrames();
        if (min != null) {
            w = new Watermarks(min, min + min / 4, min + min / 2);
        }
        return new FrameAllocator(ram, w, meters);
    }

    @Bean
    KernelPageAllocator kernelPages(FrameAllocator frames) {
        return new KernelPageAllocator(frames);
    }

    @Bean
    SwapStore swapStore(MmProperties props, MeterRegistry meters) {
        return new SwapStore(props.swap().maxSlots(), meters);
    }

    @Bean
    AsidAllocator asidAllocator(MmProperties props, MeterRegistry meters) {
        return new AsidAllocator(props.asid().bits(), props.asid().cpus(), meters);
    }

    @Bean
    MmuNotifiers mmuNotifiers(MmProperties props, FabricProperties fabric, MeterRegistry meters) {
        HttpNotifierTransport transport = new HttpNotifierTransport(fabric.serviceToken(), fabric.timeouts().connect());
        return new MmuNotifiers(transport, props.notifier().timeout(), props.notifier().releaseTimeout(), meters);
    }

    @Bean
    Machine machine(Ram ram, FrameAllocator frames, SwapStore swap, AsidAllocator asids, MmuNotifiers notifiers,
                    MmProperties props, MeterRegistry meters) {
        return new Machine(ram, frames, swap, asids, notifiers, new MmMetrics(meters), meters, props.access().maxLength().toBytes());
    }

    @Bean
    PageFaults pageFaults(Machine machine) {
        return new PageFaults(machine);
    }

    @Bean
    MemoryMap memoryMap(Machine machine, PageFaults faults, ProcessJournal journal) {
        return new MemoryMap(machine, faults, journal);
    }

    @Bean
    CpuAccess cpuAccess(Machine machine, PageFaults faults) {
        return new CpuAccess(machine, faults);
    }

    @Bean
    Gup gup(Machine machine, PageFaults faults) {
        return new Gup(machine, faults);
    }

    /** Start-up: processes the journal saw alive lost their memory with the last run. */
    @Bean
    ProcessTable processTable(Machine machine, ProcessJournal journal) {
        int lost = journal.markLost(LOST_REASON);
        if (lost > 0) {
            log.warn("{} process(es) alive at the last shutdown are marked LOST: RAM does not survive a restart", lost);
        }
        return new ProcessTable(machine, journal);
    }

    @Bean
    PageReclaim pageReclaim(Machine machine, ProcessTable processes, FrameAllocator frames) {
        PageReclaim reclaim = new PageReclaim(machine, processes::liveMms);
        frames.setShrinker(reclaim);
        return reclaim;
    }

    @Bean
    PhysicalMemoryBus physicalMemoryBus(Ram ram, KernelPageAllocator kernelPages, MmProperties props, MeterRegistry meters) {
        return new PhysicalMemoryBus(ram, kernelPages, props.access().maxLength().toBytes(), meters);
    }
}
