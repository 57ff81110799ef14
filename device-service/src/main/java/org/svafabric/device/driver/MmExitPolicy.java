package org.svafabric.device.driver;

import java.util.Locale;

/** What the driver's registered mm_exit handler does (iommu_register_mm_exit_handler). */
public enum MmExitPolicy {
    /** Stop all DMA of the PASID, then return 0 (what the TestEngine driver's handler does). */
    STOP_DMA,
    /** Return -1 without stopping anything: the core then warns of a possible PASID leak. */
    IGNORE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static MmExitPolicy parse(String s) {
        for (MmExitPolicy p : values()) {
            if (p.wireName().equals(s)) {
                return p;
            }
        }
        return null;
    }
}
