package org.svafabric.iommu.hw.layout;

import java.util.HashMap;
import java.util.Map;

/**
 * The SMMUv3 registers the model implements, with their offsets in register page 0 (IHI 0070 §6.2; Linux
 * {@code ARM_SMMU_*}). EVTQ and PRIQ PROD/CONS also appear in page 1 at +0x10000, where Linux accesses them
 * ({@code arm_smmu_page1}); {@link RegisterFile} maps those aliases onto the same registers.
 */
public enum SmmuReg {
    IDR0(0x00, 32, Access.RO),
    IDR1(0x04, 32, Access.RO),
    IDR3(0x0c, 32, Access.RO),
    IDR5(0x14, 32, Access.RO),
    CR0(0x20, 32, Access.RW),
    CR0ACK(0x24, 32, Access.RO),
    CR1(0x28, 32, Access.RW),
    CR2(0x2c, 32, Access.RW),
    GBPA(0x44, 32, Access.RW),
    IRQ_CTRL(0x50, 32, Access.RW),
    IRQ_CTRLACK(0x54, 32, Access.RO),
    GERROR(0x60, 32, Access.RO),
    GERRORN(0x64, 32, Access.RW),
    GERROR_IRQ_CFG0(0x68, 64, Access.RW),
    STRTAB_BASE(0x80, 64, Access.RW),
    STRTAB_BASE_CFG(0x88, 32, Access.RW),
    CMDQ_BASE(0x90, 64, Access.RW),
    CMDQ_PROD(0x98, 32, Access.RW),
    CMDQ_CONS(0x9c, 32, Access.RW),
    EVTQ_BASE(0xa0, 64, Access.RW),
    EVTQ_PROD(0xa8, 32, Access.RW),
    EVTQ_CONS(0xac, 32, Access.RW),
    EVTQ_IRQ_CFG0(0xb0, 64, Access.RW),
    EVTQ_IRQ_CFG1(0xb8, 32, Access.RW),
    EVTQ_IRQ_CFG2(0xbc, 32, Access.RW),
    PRIQ_BASE(0xc0, 64, Access.RW),
    PRIQ_PROD(0xc8, 32, Access.RW),
    PRIQ_CONS(0xcc, 32, Access.RW),
    PRIQ_IRQ_CFG0(0xd0, 64, Access.RW),
    PRIQ_IRQ_CFG1(0xd8, 32, Access.RW),
    PRIQ_IRQ_CFG2(0xdc, 32, Access.RW);

    /** Software may write it (RW) or only read it (RO). */
    public enum Access { RO, RW }

    /** Offset of register page 1, which repeats EVTQ_PROD/CONS and PRIQ_PROD/CONS. */
    public static final int PAGE1 = 0x10000;

    private static final Map<Integer, SmmuReg> BY_OFFSET = new HashMap<>();

    static {
        for (SmmuReg r : values()) {
            BY_OFFSET.put(r.offset, r);
        }
        for (SmmuReg r : new SmmuReg[]{EVTQ_PROD, EVTQ_CONS, PRIQ_PROD, PRIQ_CONS}) {
            BY_OFFSET.put(PAGE1 + r.offset, r);
        }
    }

    private final int offset;
    private final int width;
    private final Access access;

    SmmuReg(int offset, int width, Access access) {
        this.offset = offset;
        this.width = width;
        this.access = access;
    }

    public int offset() {
        return offset;
    }

    public int width() {
        return width;
    }

    public Access access() {
        return access;
    }

    /** The offset of the page-1 alias of EVTQ_PROD/CONS or PRIQ_PROD/CONS, where Linux accesses them. */
    public int page1Offset() {
        if (this != EVTQ_PROD && this != EVTQ_CONS && this != PRIQ_PROD && this != PRIQ_CONS) {
            throw new IllegalStateException(this + " has no page-1 alias");
        }
        return PAGE1 + offset;
    }

    /** The register at {@code offset} (page 0, or a page-1 alias), or null. */
    public static SmmuReg at(int offset) {
        return BY_OFFSET.get(offset);
    }
}
