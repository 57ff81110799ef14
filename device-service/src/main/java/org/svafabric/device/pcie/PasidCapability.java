package org.svafabric.device.pcie;

import org.svafabric.api.bits.Field;

/**
 * The PCIe PASID Extended Capability's two 16-bit registers (PCI_PASID_CAP at +0x04,
 * PCI_PASID_CTRL at +0x06 in Linux {@code pci_regs.h}). Not thread-safe: {@link PcieFunction}
 * guards it.
 */
public final class PasidCapability {
    /** PASID Capability register. */
    public static final Field CAP_EXEC = Field.of("Execute Permission Supported", 1, 1);
    public static final Field CAP_PRIV = Field.of("Privileged Mode Supported", 2, 1);
    public static final Field CAP_MAX_WIDTH = Field.of("Max PASID Width", 8, 5);
    /** PASID Control register. */
    public static final Field CTRL_ENABLE = Field.of("PASID Enable", 0, 1);
    public static final Field CTRL_EXEC = Field.of("Execute Permission Enable", 1, 1);
    public static final Field CTRL_PRIV = Field.of("Privileged Mode Enable", 2, 1);

    private final long capability;
    private long control;

    public PasidCapability(int maxWidth, boolean exec, boolean priv) {
        long c = CAP_MAX_WIDTH.with(0, maxWidth);
        c = CAP_EXEC.with(c, exec);
        this.capability = CAP_PRIV.with(c, priv);
    }

    public long capabilityRegister() {
        return capability;
    }

    public long controlRegister() {
        return control;
    }

    public int maxWidth() {
        return (int) CAP_MAX_WIDTH.get(capability);
    }

    public boolean enabled() {
        return CTRL_ENABLE.isSet(control);
    }

    /** Sets Enable; Execute and Privileged are enabled only where the capability supports them. */
    void enable(boolean on) {
        long c = CTRL_ENABLE.with(control, on);
        c = CTRL_EXEC.with(c, on && CAP_EXEC.isSet(capability));
        control = CTRL_PRIV.with(c, on && CAP_PRIV.isSet(capability));
    }

    /** Whether {@code pasid} fits the function's PASID width. */
    public boolean fits(int pasid) {
        return pasid >= 0 && pasid < (1L << maxWidth());
    }
}
