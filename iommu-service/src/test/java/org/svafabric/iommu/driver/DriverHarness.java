package org.svafabric.iommu.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.iommu.core.iopf.IopfFault;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.hw.SmmuAssembly;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.cmd.CommandTarget;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.regs.IdRegisters;
import org.svafabric.iommu.hw.regs.RegisterFile;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.testing.FakePcieLink;
import org.svafabric.iommu.hw.testing.ManualScheduler;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.platform.RegisterFileMmio;
import org.svafabric.iommu.telemetry.DriverMeters;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The driver against the SMMU model's registers and queues over a LocalMemoryBus. Commands are consumed on
 * the thread that rings the doorbell, so every call returns with its effect done and tests are
 * deterministic. A journal interleaves the RAM writes to a watched range with what the command consumer did,
 * so tests can check the order of STE/CD writes and invalidations.
 */
final class DriverHarness {

    /** Everything in order: "W <offset> <bytes>" for watched RAM writes, the consumer's calls otherwise. */
    final List<String> journal = new ArrayList<>();
    final List<TlbInvalidation> tlbis = new ArrayList<>();
    final List<IopfFault> faults = new ArrayList<>();
    final List<org.svafabric.iommu.core.port.UnrecoverableFault> unrecoverable = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> events = new ArrayList<>();
    int discards;
    final FakePcieLink port = new FakePcieLink().answeringAtOnce();
    final List<String> endpointCalls = new ArrayList<>();
    /** For each endpoint ATS enable, the ATC invalidations the endpoint had received when it came. */
    final List<List<FakePcieLink.AtcInv>> atcInvalidationsAtAtsEnable = new ArrayList<>();
    final LocalMemoryBus ram = new LocalMemoryBus();
    /** The driver's tracepoints, counted as the service counts them. */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final SmmuConfig config;
    final RegisterFile regs;
    final SmmuAssembly smmu;
    /** The translation side, when the harness runs on the full model; null with only the queue side. */
    final SmmuV3 model;
    final ArmSmmuV3 driver;
    private long watchFrom = -1;
    private long watchTo = -1;

    DriverHarness(SmmuConfig config, DriverSettings settings) {
        this(config, settings, false);
    }

    /** {@code fullModel}: the real translation side (SmmuV3) behind the registers and the command queue. */
    DriverHarness(SmmuConfig config, DriverSettings settings, boolean fullModel) {
        this(config, settings, fullModel, Runnable::run);
    }

    /** {@code consumer} runs the command queue's passes (inline by default; a thread for concurrency tests). */
    DriverHarness(SmmuConfig config, DriverSettings settings, boolean fullModel, java.util.concurrent.Executor consumer) {
        this.config = config;
        this.model = fullModel ? new SmmuV3(config, ram) : null;
        this.regs = fullModel ? model.registers() : new RegisterFile(IdRegisters.of(config));
        MemoryBus bus = new JournalBus();
        ArmSmmuV3[] self = new ArmSmmuV3[1];
        this.smmu = new SmmuAssembly(config, regs, ram, new JournalTarget(model), port, sid -> Optional.of(false), consumer,
                new ManualScheduler(), new SmmuAssembly.Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(1)),
                new SmmuAssembly.Interrupts(Irq.NONE, Irq.NONE, () -> self[0].gerrorInterrupt(), () -> self[0].syncInterrupt()));
        this.driver = new ArmSmmuV3(bus, new RegisterFileMmio(regs), settings, new RecordingEndpoints(), new FaultSink() {
            @Override
            public void report(IopfFault fault) {
                faults.add(fault);
            }

            @Override
            public void discardPartial() {
                discards++;
            }

            @Override
            public void reportUnrecoverable(Device device, org.svafabric.iommu.core.port.UnrecoverableFault fault) {
                unrecoverable.add(fault);
            }
        }, (type, device, sid, pasid, addr, detail) -> events.add(type + " " + device + " " + detail), new DriverMeters(meters));
        self[0] = driver;
        driver.probe();
    }

    DriverHarness() {
        this(SmmuConfig.defaults(), DriverSettings.defaults());
    }

    /** Journals RAM writes that touch [from, to) from now on. */
    void watch(long from, long to) {
        watchFrom = from;
        watchTo = to;
        journal.clear();
    }

    static DeviceDescription pci(String bdf, int pasidBits, boolean pri, boolean ats) {
        return new DeviceDescription(bdf, "pci", null,
                pasidBits > 0 ? new DeviceDescription.PasidCap(pasidBits, false, false) : null,
                pri ? new DeviceDescription.PriCap(32, true) : null,
                ats ? new DeviceDescription.AtsCap(64, 32, 12) : null, null, null, null);
    }

    static DeviceDescription platform(String id, int sid, int pasidBits, boolean stall) {
        return new DeviceDescription(id, "platform", sid, null, null, null, pasidBits, stall, null);
    }

    private final class JournalBus implements MemoryBus {
        @Override
        public byte[] read(long pa, int length) {
            return ram.read(pa, length);
        }

        @Override
        public void write(long pa, byte[] data) {
            note(pa, data.length);
            ram.write(pa, data);
        }

        @Override
        public long read64(long pa) {
            return ram.read64(pa);
        }

        @Override
        public void write64(long pa, long value) {
            note(pa, 8);
            ram.write64(pa, value);
        }

        @Override
        public long compareAndSwap64(long pa, long expected, long update) {
            return ram.compareAndSwap64(pa, expected, update);
        }

        @Override
        public long allocKernelPages(String owner, int count) {
            return ram.allocKernelPages(owner, count);
        }

        @Override
        public void freeKernelPages(String owner, long pa, int count) {
            ram.freeKernelPages(owner, pa, count);
        }

        private void note(long pa, int length) {
            if (pa < watchTo && pa + length > watchFrom) {
                synchronized (journal) {
                    journal.add("W +" + (pa - watchFrom) + " " + length);
                }
            }
        }
    }

    /** Journals what the command consumer asks, then passes it on to the translation side if there is one. */
    private final class JournalTarget implements CommandTarget {
        private final CommandTarget next;

        JournalTarget(CommandTarget next) {
            this.next = next;
        }

        @Override
        public void invalidateSte(int sid, int log2Range) {
            add("CFGI_STE " + sid + "/" + log2Range);
            if (next != null) {
                next.invalidateSte(sid, log2Range);
            }
        }

        @Override
        public void invalidateCd(int sid, int ssid) {
            add("CFGI_CD " + sid + "/" + ssid);
            if (next != null) {
                next.invalidateCd(sid, ssid);
            }
        }

        @Override
        public void invalidateTlb(TlbInvalidation inv) {
            synchronized (journal) {
                tlbis.add(inv);
            }
            add("TLBI " + inv.regime() + " " + inv.scope() + " " + inv.asid());
            if (next != null) {
                next.invalidateTlb(inv);
            }
        }

        @Override
        public void prefetchConfig(int sid, int ssid) {
            add("PREFETCH " + sid + "/" + ssid);
            if (next != null) {
                next.prefetchConfig(sid, ssid);
            }
        }

        private void add(String s) {
            synchronized (journal) {
                journal.add(s);
            }
        }
    }

    private final class RecordingEndpoints implements EndpointControl {
        @Override
        public void enable(Device device, boolean pasid, boolean pri, boolean ats, int outstanding) {
            endpointCalls.add("enable " + device.id() + " pasid=" + pasid + " pri=" + pri + " ats=" + ats + " prs=" + outstanding);
            if (ats) {
                synchronized (port) {
                    atcInvalidationsAtAtsEnable.add(List.copyOf(port.invalidations));
                }
            }
        }

        @Override
        public void disable(Device device, boolean pasid, boolean pri, boolean ats) {
            endpointCalls.add("disable " + device.id() + " pasid=" + pasid + " pri=" + pri + " ats=" + ats);
        }
    }
}
