package org.svafabric.device.pcie;

import org.svafabric.api.bits.Field;

/**
 * The PCIe ATS Extended Capability's registers (PCI_ATS_CAP at +0x04, PCI_ATS_CTRL at +0x06).
 * Not thread-safe: {@link PcieFunction} guards it.
 */
public final class AtsCapability {
    /** ATS Capability register: Invalidate Queue Depth (0 encodes 32), Page Aligned Request. */
    public static final Field CAP_INVALIDATE_QUEUE_DEPTH = Field.of("Invalidate Queue Depth", 0, 5);
    public static final Field CAP_PAGE_ALIGNED_REQUEST = Field.of("Page Aligned Request", 5, 1);
    /** ATS Control register: Smallest Translation Unit (log2 of the unit, minus 12), Enable. */
    public static final Field CTRL_STU = Field.of("Smallest Translation Unit", 0, 5);
    public static final Field CTRL_ENABLE = Field.of("Enable", 15, 1);

    public static final int MIN_STU_SHIFT = 12;

    private final long capability;
    private long control;

    /** {@code queueDepth} 1..32 (32 is encoded as 0). */
    public AtsCapability(int queueDepth) {
        long c = CAP_INVALIDATE_QUEUE_DEPTH.with(0, queueDepth >= 32 ? 0 : queueDepth);
        this.capability = CAP_PAGE_ALIGNED_REQUEST.with(c, true);
    }

    public long capabilityRegister() {
        return capability;
    }

    public long controlRegister() {
        return control;
    }

    public int invalidateQueueDepth() {
        long q = CAP_INVALIDATE_QUEUE_DEPTH.get(capability);
        return q == 0 ? 32 : (int) q;
    }

    public boolean enabled() {
        return CTRL_ENABLE.isSet(control);
    }

    /** log2 of the Smallest Translation Unit in bytes. */
    public int stuShift() {
        return MIN_STU_SHIFT + (int) CTRL_STU.get(control);
    }

    void enable(boolean on, int stuShift) {
        long c = CTRL_STU.with(control, stuShift - MIN_STU_SHIFT);
        control = CTRL_ENABLE.with(c, on);
    }
}
