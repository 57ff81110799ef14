package org.svafabric.iommu.hw.regs;

/** SMMU_IDR0.STALL_MODEL (IHI 0070 §6.3.1): which fault models a translation context may select with CD.S. */
public enum StallModel {
    /** 0b00: stall and terminate both supported; CD.S chooses, STE.S1STALLD can forbid stalling. */
    STALL_AND_TERMINATE(0b00),
    /** 0b01: no stall; CD.S = 1 and STE.S1STALLD = 1 are ILLEGAL. */
    TERMINATE_ONLY(0b01),
    /** 0b10: stall forced; CD.S = 0 is ILLEGAL. Not for an SMMU that serves PCIe. */
    STALL_FORCED(0b10);

    private final int code;

    StallModel(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The topology's spelling ({@code stall}, {@code terminate}, {@code forced}). */
    public static StallModel of(String name) {
        switch (name) {
            case "stall":
                return STALL_AND_TERMINATE;
            case "terminate":
                return TERMINATE_ONLY;
            case "forced":
                return STALL_FORCED;
            default:
                throw new IllegalArgumentException("stall model " + name + " is not stall, terminate or forced");
        }
    }

    public boolean canStall() {
        return this != TERMINATE_ONLY;
    }
}
