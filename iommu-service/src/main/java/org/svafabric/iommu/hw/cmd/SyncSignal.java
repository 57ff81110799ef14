package org.svafabric.iommu.hw.cmd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.Irq;
import org.svafabric.iommu.hw.layout.Gerror;

/**
 * The completion signal of a CMD_SYNC (IHI 0070 §4.7.3, ComplSignal): SIG_IRQ makes a 32-bit write of
 * MSIData to MSIAddress when MSIs are supported and the address is non-zero, and asserts the wired CMD_SYNC
 * interrupt "regardless of the value of MSIAddress"; SIG_SEV sends a wake-up event only with IDR0.SEV,
 * otherwise it is SIG_NONE. An aborted MSI write raises GERROR.MSI_CMDQ_ABT_ERR.
 */
public final class SyncSignal {
    private static final Logger log = LoggerFactory.getLogger(SyncSignal.class);

    private final MemoryBus bus;
    private final CommandFeatures features;
    private final GlobalErrors gerror;
    private final Irq syncIrq;
    private final Irq sev;

    public SyncSignal(MemoryBus bus, CommandFeatures features, GlobalErrors gerror, Irq syncIrq, Irq sev) {
        this.bus = bus;
        this.features = features;
        this.gerror = gerror;
        this.syncIrq = syncIrq;
        this.sev = sev;
    }

    public void signal(CmdSync sync) {
        switch (sync.cs()) {
            case SIG_IRQ -> {
                if (features.msi() && sync.msiAddr() != 0) {
                    writeMsi(sync.msiAddr(), sync.msiData());
                }
                syncIrq.raise();
            }
            case SIG_SEV -> {
                if (features.sev()) {
                    sev.raise();
                }
            }
            case SIG_NONE -> {
                // Polled: CONS moving past the command is the only signal.
            }
        }
    }

    private void writeMsi(long addr, int data) {
        byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data).array();
        try {
            bus.write(addr, le);
        } catch (RuntimeException abort) {
            log.warn("CMD_SYNC MSI write to 0x{} aborted: {}", Long.toHexString(addr), abort.toString());
            gerror.raise(Gerror.MSI_CMDQ_ABT_ERR);
        }
    }
}
