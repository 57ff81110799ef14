package org.svafabric.api.wire;

import java.util.Locale;

/**
 * The Response Code of a PRG Response Message (PCIe Page Request Services), and the one code of a page
 * request group's outcome everywhere: the IOPF core's fault handler returns it (Linux {@code enum
 * iommu_page_response_code}: {@code IOMMU_PAGE_RESP_SUCCESS / _INVALID / _FAILURE}), the SMMU driver puts it
 * in CMD_PRI_RESP (whose Resp field encoding is the command's layout), the SMMU model sends it over the link
 * and the function acts on it as it arrives.
 */
public enum PrgResponseCode {
    /** All pages of the group are now resident: retry the translation (PCIe Success, 0b0000). */
    SUCCESS(0b0000),
    /** At least one page cannot be made resident: the access fails (PCIe Invalid Request, 0b0001). */
    INVALID(0b0001),
    /**
     * A catastrophic error: the function disables its page request interface until software re-enables it
     * (PCIe Response Failure, 0b1111). The core's fault handler never answers it; the driver or the SMMU does.
     */
    FAILURE(0b1111);

    private final int pcieCode;

    PrgResponseCode(int pcieCode) {
        this.pcieCode = pcieCode;
    }

    /** The 4-bit Response Code field of the PCIe PRG Response Message. */
    public int pcieCode() {
        return pcieCode;
    }

    /** The code named by {@code code} (any case), or null for anything else. */
    public static PrgResponseCode parse(String code) {
        if (code != null) {
            for (PrgResponseCode c : values()) {
                if (c.name().equals(code.toUpperCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        return null;
    }
}
