package org.svafabric.iommu.platform;

import org.svafabric.iommu.driver.Mmio;
import org.svafabric.iommu.hw.regs.RegisterFile;

/** The model's register file as the driver's MMIO window: the only way the driver reaches the SMMU's registers. */
public final class RegisterFileMmio implements Mmio {
    private final RegisterFile regs;

    public RegisterFileMmio(RegisterFile regs) {
        this.regs = regs;
    }

    @Override
    public int read32(int offset) {
        return regs.read32(offset);
    }

    @Override
    public void write32(int offset, int value) {
        regs.write32(offset, value);
    }

    @Override
    public long read64(int offset) {
        return regs.read64(offset);
    }

    @Override
    public void write64(int offset, long value) {
        regs.write64(offset, value);
    }
}
