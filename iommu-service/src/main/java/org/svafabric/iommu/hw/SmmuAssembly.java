package org.svafabric.iommu.hw;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.svafabric.api.bits.Field;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.cmd.AtcInvalidationTracker;
import org.svafabric.iommu.hw.cmd.CommandDispatcher;
import org.svafabric.iommu.hw.cmd.CommandFeatures;
import org.svafabric.iommu.hw.cmd.CommandQueue;
import org.svafabric.iommu.hw.cmd.CommandTarget;
import org.svafabric.iommu.hw.cmd.SyncSignal;
import org.svafabric.iommu.hw.pcie.PcieLink;
import org.svafabric.iommu.hw.pri.PparLookup;
import org.svafabric.iommu.hw.pri.PriQueue;
import org.svafabric.iommu.hw.queue.EventQueue;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.queue.Scheduler;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.IrqCtrl;
import org.svafabric.iommu.hw.regs.RegisterFile;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.stall.StallTable;

/**
 * The SMMU model's queue side put together and hung on its register file, as the hardware is: the command,
 * event and PRI queues behind their BASE/PROD/CONS registers and the CR0 enables, GERROR/GERRORN on the
 * global-error block, and the wired interrupts gated by IRQ_CTRL before they reach the driver. The
 * translation side (registers, caches, walker) is given; this class only connects.
 */
public final class SmmuAssembly {

    /** The driver's interrupt lines. */
    public record Interrupts(Irq evtq, Irq priq, Irq gerror, Irq cmdSync) {
    }

    /** Timing of the model's safeguards. */
    public record Timeouts(Duration atcInvalidation, Duration stallWatchdog) {
    }

    private final RegisterFile regs;
    private final GlobalErrors gerror;
    private final EventQueue eventQueue;
    private final PriQueue priQueue;
    private final StallTable stalls;
    private final CommandQueue commandQueue;
    private final AtcInvalidationTracker atc;

    public SmmuAssembly(SmmuConfig config, RegisterFile regs, MemoryBus bus, CommandTarget target, PcieLink port,
                        PparLookup ppar, Executor cmdqExecutor, Scheduler scheduler, Timeouts timeouts, Interrupts irqs) {
        this.regs = regs;
        this.gerror = new GlobalErrors(gated(IrqCtrl.GERROR_IRQEN, irqs.gerror()));
        this.eventQueue = new EventQueue(bus, gerror, gated(IrqCtrl.EVTQ_IRQEN, irqs.evtq()), config.evtqLog2());
        this.priQueue = new PriQueue(bus, gerror, gated(IrqCtrl.PRIQ_IRQEN, irqs.priq()), port, ppar,
                new PriQueue.Features(config.ssidBits() > 0, false), config.priqLog2());
        this.stalls = new StallTable(eventQueue, eventQueue, scheduler, timeouts.stallWatchdog(),
                Math.max(1, config.stallMax()));
        this.atc = new AtcInvalidationTracker(scheduler, timeouts.atcInvalidation());
        CommandFeatures features = new CommandFeatures(config.ril(), config.hyp(), config.ats(), config.pri(),
                config.stallModel().canStall(), config.msi(), config.sev());
        SyncSignal signal = new SyncSignal(bus, features, gerror, irqs.cmdSync(), irqs.cmdSync());
        this.commandQueue = new CommandQueue(bus, features, config.cmdqLog2(),
                new CommandDispatcher(target, port, stalls, atc), atc, signal, gerror, cmdqExecutor);
        wire();
    }

    private void wire() {
        regs.onWrite(SmmuReg.CMDQ_BASE, v -> commandQueue.configure(QueueBase.decode(v)));
        regs.onWrite(SmmuReg.CMDQ_PROD, v -> commandQueue.writeProd((int) v));
        regs.onWrite(SmmuReg.CMDQ_CONS, v -> commandQueue.writeCons((int) v));
        regs.onRead(SmmuReg.CMDQ_PROD, () -> Integer.toUnsignedLong(commandQueue.readProd()));
        regs.onRead(SmmuReg.CMDQ_CONS, () -> Integer.toUnsignedLong(commandQueue.readCons()));

        regs.onWrite(SmmuReg.EVTQ_BASE, v -> eventQueue.configure(QueueBase.decode(v)));
        regs.onWrite(SmmuReg.EVTQ_PROD, v -> eventQueue.writeProd((int) v));
        regs.onWrite(SmmuReg.EVTQ_CONS, v -> eventQueue.writeCons((int) v));
        regs.onRead(SmmuReg.EVTQ_PROD, () -> Integer.toUnsignedLong(eventQueue.readProd()));
        regs.onRead(SmmuReg.EVTQ_CONS, () -> Integer.toUnsignedLong(eventQueue.readCons()));

        regs.onWrite(SmmuReg.PRIQ_BASE, v -> priQueue.configure(QueueBase.decode(v)));
        regs.onWrite(SmmuReg.PRIQ_PROD, v -> priQueue.writeProd((int) v));
        regs.onWrite(SmmuReg.PRIQ_CONS, v -> priQueue.writeCons((int) v));
        regs.onRead(SmmuReg.PRIQ_PROD, () -> Integer.toUnsignedLong(priQueue.readProd()));
        regs.onRead(SmmuReg.PRIQ_CONS, () -> Integer.toUnsignedLong(priQueue.readCons()));

        regs.onRead(SmmuReg.GERROR, () -> Integer.toUnsignedLong(gerror.gerror()));
        regs.onRead(SmmuReg.GERRORN, () -> Integer.toUnsignedLong(gerror.gerrorn()));
        regs.onWrite(SmmuReg.GERRORN, v -> gerror.writeGerrorn((int) v));

        regs.onCr0Change((old, now) -> {
            if (changed(old, now, Cr0.CMDQEN.mask())) {
                commandQueue.setEnabled(Cr0.CMDQEN.isSet(now));
            }
            if (changed(old, now, Cr0.EVTQEN.mask())) {
                eventQueue.setEnabled(Cr0.EVTQEN.isSet(now));
            }
            if (changed(old, now, Cr0.PRIQEN.mask())) {
                priQueue.setEnabled(Cr0.PRIQEN.isSet(now));
            }
            if (Cr0.SMMUEN.isSet(old) && !Cr0.SMMUEN.isSet(now)) {
                // Disabling the SMMU terminates what it holds: no stalled transaction outlives it.
                stalls.terminateAll();
            }
        });
    }

    private static boolean changed(long old, long now, long mask) {
        return ((old ^ now) & mask) != 0;
    }

    /** The interrupt reaches the driver only while its IRQ_CTRL enable is set. */
    private Irq gated(Field enable, Irq irq) {
        return () -> {
            if (enable.isSet(regs.read(SmmuReg.IRQ_CTRL))) {
                irq.raise();
            }
        };
    }

    public RegisterFile registers() {
        return regs;
    }

    public GlobalErrors globalErrors() {
        return gerror;
    }

    public EventQueue eventQueue() {
        return eventQueue;
    }

    public PriQueue priQueue() {
        return priQueue;
    }

    public StallTable stalls() {
        return stalls;
    }

    public CommandQueue commandQueue() {
        return commandQueue;
    }

    public AtcInvalidationTracker atcInvalidations() {
        return atc;
    }
}
