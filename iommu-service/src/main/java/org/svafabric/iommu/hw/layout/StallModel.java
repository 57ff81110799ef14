package org.svafabric.iommu.hw.layout;

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

    /** The model of an IDR0.STALL_MODEL value; the reserved 0b11 has none. */
    public static StallModel ofCode(int code) {
        for (StallModel m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        throw new IllegalArgumentException("STALL_MODEL 0b" + Integer.toBinaryString(code) + " is reserved");
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

    /** The topology's and the API's spelling. */
    public String spelling() {
        switch (this) {
            case STALL_AND_TERMINATE:
                return "stall";
            case TERMINATE_ONLY:
                return "terminate";
            default:
                return "forced";
        }
    }

    public boolean canStall() {
        return this != TERMINATE_ONLY;
    }
}
