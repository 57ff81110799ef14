package org.svafabric.iommu.hw.layout;

/** SMMU_IDR0.HTTU (IHI 0070 §6.3.1): which translation-table flags the SMMU may update in RAM. */
public enum Httu {
    /** 0b00: no flag updates; CD.HA and CD.HD are ILLEGAL. */
    NONE(0b00),
    /** 0b01: Access flag updates; CD.HD is ILLEGAL. */
    HA(0b01),
    /** 0b10: Access flag and dirty state updates. */
    HA_HD(0b10);

    private final int code;

    Httu(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Httu of(String name) {
        return valueOf(name);
    }

    public boolean accessFlag() {
        return this != NONE;
    }

    public boolean dirtyState() {
        return this == HA_HD;
    }
}
